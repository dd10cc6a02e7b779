-- Teritoriu schema, first version. Storage SRID is substituted for :srid by the migration.
-- Rules the database enforces itself: geometry type and SRID (typmod), validity (CHECK),
-- GiST indexes, cadastral number unique per UAT among current parcels, foreign keys,
-- versioning (history tables filled by trigger; no hard delete) and the audit trail.

CREATE SCHEMA territory;
CREATE SCHEMA cadastre;
CREATE SCHEMA streets;
CREATE SCHEMA planning;
CREATE SCHEMA agri;
CREATE SCHEMA fiscal;
CREATE SCHEMA registry;
CREATE SCHEMA audit;
CREATE SCHEMA auth;
CREATE SCHEMA public_api;
CREATE SCHEMA staff_api;

-- Search normalisation: lower case, no diacritics ("Școlii" and "scolii" match). IMMUTABLE so
-- that it can be indexed (unaccent() itself is only STABLE because its dictionary could change).
CREATE FUNCTION public.teritoriu_norm(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));

-- ---------------------------------------------------------------------------------------
-- Audit and versioning machinery
-- ---------------------------------------------------------------------------------------
CREATE TABLE audit.log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,
    action      text NOT NULL CHECK (action IN ('insert', 'update', 'retire', 'delete', 'bulk-load', 'view', 'login')),
    table_name  text NOT NULL,
    object_id   text,
    uat_siruta  integer,
    before      jsonb,
    after       jsonb
);
CREATE INDEX log_object_idx ON audit.log (table_name, object_id);
CREATE INDEX log_at_idx ON audit.log (at);
CREATE INDEX log_actor_idx ON audit.log (actor, at);

-- Who acts: set per transaction by the application (gis.db.set_actor); falls back to the role.
CREATE FUNCTION audit.current_actor() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('teritoriu.actor', true), ''), 'db:' || session_user)
$$;

-- Geometries are logged as hex EWKB by to_jsonb: large but exact.
CREATE FUNCTION audit.record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    act text;
    old_row jsonb;
    new_row jsonb;
BEGIN
    -- A bulk load (sample commune, benchmark data) writes one summary row itself instead.
    IF current_setting('teritoriu.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        act := 'insert'; new_row := to_jsonb(NEW);
    ELSIF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD); new_row := to_jsonb(NEW);
        act := CASE WHEN old_row ? 'valid_to' AND OLD IS DISTINCT FROM NEW
                         AND (old_row ->> 'valid_to') IS NULL AND (new_row ->> 'valid_to') IS NOT NULL
                    THEN 'retire' ELSE 'update' END;
    ELSE
        act := 'delete'; old_row := to_jsonb(OLD);
    END IF;
    INSERT INTO audit.log (actor, action, table_name, object_id, uat_siruta, before, after)
    VALUES (audit.current_actor(), act, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
            coalesce(new_row ->> 'id', old_row ->> 'id'),
            (coalesce(new_row, old_row) ->> 'uat_siruta')::integer, old_row, new_row);
    RETURN NULL;
END $$;

-- Versioned tables keep the current (or retired) row in place, so foreign keys stay stable,
-- and copy every superseded version into <table>_history. Retiring (setting valid_to and
-- nothing else) closes the object without a new version. Rows are never deleted.
CREATE FUNCTION audit.version_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '%.% rows are never deleted: retire them (set valid_to)',
            TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'P0001';
    END IF;
    IF OLD.valid_to IS NOT NULL AND NEW.valid_to IS NOT NULL THEN
        RAISE EXCEPTION '%.% id % is retired and cannot be edited', TG_TABLE_SCHEMA, TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'P0001';
    END IF;
    IF OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL
       -- generated columns are not yet computed in NEW: leave them out of the comparison
       AND (to_jsonb(NEW) - 'valid_to' - 'measured_area' - 'footprint_area')
         = (to_jsonb(OLD) - 'valid_to' - 'measured_area' - 'footprint_area') THEN
        RETURN NEW;  -- retirement
    END IF;
    EXECUTE format('INSERT INTO %I.%I SELECT ($1).*', TG_TABLE_SCHEMA, TG_TABLE_NAME || '_history')
        USING OLD;
    EXECUTE format('UPDATE %I.%I SET valid_to = $1 WHERE id = $2 AND version = $3',
                   TG_TABLE_SCHEMA, TG_TABLE_NAME || '_history')
        USING coalesce(OLD.valid_to, now()), OLD.id, OLD.version;
    NEW.version := OLD.version + 1;
    NEW.valid_from := now();  -- restoring a retired object (valid_to back to NULL) too
    RETURN NEW;
END $$;

-- ---------------------------------------------------------------------------------------
-- Territory
-- ---------------------------------------------------------------------------------------
CREATE TABLE territory.uat (
    siruta       integer PRIMARY KEY CHECK (siruta > 0),
    name         text NOT NULL,
    county       text NOT NULL,
    kind         text NOT NULL DEFAULT 'comună' CHECK (kind IN ('comună', 'oraș', 'municipiu', 'sector')),
    settings     jsonb NOT NULL DEFAULT '{}',
    geom         geometry(MultiPolygon, :srid) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX uat_geom_idx ON territory.uat USING gist (geom);

CREATE TABLE territory.locality (
    siruta       integer PRIMARY KEY CHECK (siruta > 0),
    uat_siruta   integer NOT NULL REFERENCES territory.uat,
    name         text NOT NULL,
    rank         smallint NOT NULL CHECK (rank BETWEEN 0 AND 5),
    is_seat      boolean NOT NULL DEFAULT false,
    postal_code  text CHECK (postal_code ~ '^[0-9]{6}$'),
    geom         geometry(MultiPolygon, :srid) CHECK (ST_IsValid(geom))  -- intravilan
);
CREATE INDEX locality_geom_idx ON territory.locality USING gist (geom);
CREATE INDEX locality_uat_idx ON territory.locality (uat_siruta);
CREATE INDEX locality_name_trgm_idx ON territory.locality USING gin (public.teritoriu_norm(name) gin_trgm_ops);

-- ---------------------------------------------------------------------------------------
-- Cadastre
-- ---------------------------------------------------------------------------------------
CREATE TABLE cadastre.parcel (
    id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta        integer NOT NULL REFERENCES territory.uat,
    locality_siruta   integer REFERENCES territory.locality,
    cadastral_number  text NOT NULL CHECK (cadastral_number <> ''),
    land_book_number  text,
    eterra_id         text,
    legal_area        numeric(14, 2) CHECK (legal_area > 0),
    use_category      text NOT NULL CHECK (use_category IN
                          ('A', 'P', 'F', 'V', 'L', 'PD', 'CC', 'DR', 'CF', 'HR', 'HB', 'N')),
    intravilan        boolean NOT NULL,
    tarla             text,
    parcel_no         text,
    geom              geometry(MultiPolygon, :srid) NOT NULL
                          CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    measured_area     double precision GENERATED ALWAYS AS (ST_Area(geom)) STORED,
    version           integer NOT NULL DEFAULT 1,
    valid_from        timestamptz NOT NULL DEFAULT now(),
    valid_to          timestamptz,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX parcel_current_cadastral_number_key
    ON cadastre.parcel (uat_siruta, cadastral_number) WHERE valid_to IS NULL;
CREATE INDEX parcel_geom_idx ON cadastre.parcel USING gist (geom);
CREATE INDEX parcel_cadastral_number_idx ON cadastre.parcel (cadastral_number text_pattern_ops);

CREATE TABLE cadastre.building (
    id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta        integer NOT NULL REFERENCES territory.uat,
    parcel_id         bigint REFERENCES cadastre.parcel,
    building_no       integer,
    destination       text CHECK (destination IN ('CL', 'CA', 'CIE', 'CAS')),
    levels            smallint CHECK (levels BETWEEN 1 AND 60),
    is_legal          boolean NOT NULL DEFAULT true,
    geom              geometry(MultiPolygon, :srid) NOT NULL
                          CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    footprint_area    double precision GENERATED ALWAYS AS (ST_Area(geom)) STORED,
    version           integer NOT NULL DEFAULT 1,
    valid_from        timestamptz NOT NULL DEFAULT now(),
    valid_to          timestamptz
);
CREATE INDEX building_geom_idx ON cadastre.building USING gist (geom);
CREATE INDEX building_parcel_idx ON cadastre.building (parcel_id);

-- ---------------------------------------------------------------------------------------
-- Streets and addresses
-- ---------------------------------------------------------------------------------------
CREATE TABLE streets.street (
    id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta        integer NOT NULL REFERENCES territory.uat,
    locality_siruta   integer NOT NULL REFERENCES territory.locality,
    code              text NOT NULL,  -- the register's own code (RENNS or local)
    street_type       text NOT NULL,
    name              text NOT NULL CHECK (name <> ''),
    hcl_number        text,
    hcl_date          date,
    geom              geometry(MultiLineString, :srid) CHECK (ST_IsValid(geom)),
    version           integer NOT NULL DEFAULT 1,
    valid_from        timestamptz NOT NULL DEFAULT now(),
    valid_to          timestamptz
);
CREATE UNIQUE INDEX street_current_code_key ON streets.street (uat_siruta, code) WHERE valid_to IS NULL;
CREATE UNIQUE INDEX street_current_name_key
    ON streets.street (locality_siruta, street_type, name) WHERE valid_to IS NULL;
CREATE INDEX street_geom_idx ON streets.street USING gist (geom);
CREATE INDEX street_name_trgm_idx ON streets.street USING gin (public.teritoriu_norm(name) gin_trgm_ops);

-- Former names of a street, each with the council decision (HCL) that changed it.
CREATE TABLE streets.street_name (
    id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    street_id    bigint NOT NULL REFERENCES streets.street,
    street_type  text NOT NULL,
    name         text NOT NULL,
    valid_from   date,
    valid_to     date NOT NULL,
    hcl_number   text,
    hcl_date     date
);
CREATE INDEX street_name_street_idx ON streets.street_name (street_id);

CREATE TABLE streets.address_point (
    id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta        integer NOT NULL REFERENCES territory.uat,
    street_id         bigint NOT NULL REFERENCES streets.street,
    number            integer NOT NULL CHECK (number > 0),
    suffix            text NOT NULL DEFAULT '',
    block             text NOT NULL DEFAULT '',
    entrance          text NOT NULL DEFAULT '',
    postal_code       text CHECK (postal_code ~ '^[0-9]{6}$'),
    parcel_id         bigint REFERENCES cadastre.parcel,
    geom              geometry(Point, :srid) NOT NULL,
    version           integer NOT NULL DEFAULT 1,
    valid_from        timestamptz NOT NULL DEFAULT now(),
    valid_to          timestamptz
);
CREATE UNIQUE INDEX address_point_current_key
    ON streets.address_point (street_id, number, suffix, block, entrance) WHERE valid_to IS NULL;
CREATE INDEX address_point_geom_idx ON streets.address_point USING gist (geom);
CREATE INDEX address_point_parcel_idx ON streets.address_point (parcel_id);
CREATE INDEX address_point_street_number_idx ON streets.address_point (street_id, number);

-- ---------------------------------------------------------------------------------------
-- Planning (PUG / PUZ / PUD, UTR zones, restrictions)
-- ---------------------------------------------------------------------------------------
CREATE TABLE planning.document (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta    integer NOT NULL REFERENCES territory.uat,
    code          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('PUG', 'PUZ', 'PUD')),
    name          text NOT NULL,
    hcl_number    text NOT NULL,
    hcl_date      date NOT NULL,
    valid_from    date NOT NULL,
    valid_until   date,
    geom          geometry(MultiPolygon, :srid) CHECK (ST_IsValid(geom)),
    UNIQUE (uat_siruta, code),
    CHECK (valid_until IS NULL OR valid_until > valid_from)
);
CREATE INDEX document_geom_idx ON planning.document USING gist (geom);

CREATE TABLE planning.zone (
    id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta         integer NOT NULL REFERENCES territory.uat,
    document_id        bigint NOT NULL REFERENCES planning.document,
    code               text NOT NULL,
    functional_zone    text NOT NULL,
    name               text,
    pot_max            numeric(5, 2) CHECK (pot_max BETWEEN 0 AND 100),
    cut_max            numeric(5, 2) CHECK (cut_max >= 0),
    max_height_m       numeric(6, 2) CHECK (max_height_m >= 0),
    height_regime      text,
    min_parcel_area    numeric(12, 2),
    min_frontage_m     numeric(8, 2),
    allowed_uses       text[] NOT NULL DEFAULT '{}',
    conditional_uses   text[] NOT NULL DEFAULT '{}',
    forbidden_uses     text[] NOT NULL DEFAULT '{}',
    rules              jsonb NOT NULL DEFAULT '{}',  -- setbacks, parking, green space, ...
    geom               geometry(MultiPolygon, :srid) NOT NULL
                           CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    version            integer NOT NULL DEFAULT 1,
    valid_from         timestamptz NOT NULL DEFAULT now(),
    valid_to           timestamptz
);
CREATE UNIQUE INDEX zone_current_code_key ON planning.zone (document_id, code) WHERE valid_to IS NULL;
CREATE INDEX zone_geom_idx ON planning.zone USING gist (geom);

CREATE TABLE planning.restriction (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta    integer NOT NULL REFERENCES territory.uat,
    document_id   bigint REFERENCES planning.document,
    kind          text NOT NULL,
    name          text NOT NULL,
    legal_basis   text NOT NULL,
    description   text,
    valid_from    date,
    valid_until   date,
    geom          geometry(MultiPolygon, :srid) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX restriction_geom_idx ON planning.restriction USING gist (geom);

-- ---------------------------------------------------------------------------------------
-- Fiscal records and agricultural register (personal data: never in public_api)
-- ---------------------------------------------------------------------------------------
CREATE TABLE fiscal.taxpayer (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta    integer NOT NULL REFERENCES territory.uat,
    code          text NOT NULL,           -- local taxpayer code
    kind          text NOT NULL CHECK (kind IN ('PF', 'PJ')),
    name          text NOT NULL,
    id_code       text NOT NULL,           -- CNP (PF) or CUI (PJ)
    address       text,
    tax_account   text,                    -- rol fiscal
    UNIQUE (uat_siruta, code),
    CHECK ((kind = 'PF' AND id_code ~ '^[1-9][0-9]{12}$') OR (kind = 'PJ' AND id_code ~ '^(RO)?[0-9]{2,10}$'))
);

CREATE TABLE fiscal.tax_assessment (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta    integer NOT NULL REFERENCES territory.uat,
    year          smallint NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    taxpayer_id   bigint NOT NULL REFERENCES fiscal.taxpayer,
    parcel_id     bigint REFERENCES cadastre.parcel,
    object_kind   text NOT NULL CHECK (object_kind IN ('land', 'building')),
    use_category  text,
    zone          char(1) CHECK (zone IN ('A', 'B', 'C', 'D')),
    intravilan    boolean,
    area          numeric(14, 2) NOT NULL CHECK (area >= 0),
    amount        numeric(12, 2) NOT NULL CHECK (amount >= 0),
    paid          numeric(12, 2) NOT NULL DEFAULT 0 CHECK (paid >= 0)
);
CREATE INDEX tax_assessment_parcel_idx ON fiscal.tax_assessment (parcel_id);
CREATE INDEX tax_assessment_taxpayer_idx ON fiscal.tax_assessment (taxpayer_id);
CREATE UNIQUE INDEX tax_assessment_key
    ON fiscal.tax_assessment (year, taxpayer_id, parcel_id, object_kind) NULLS NOT DISTINCT;

-- Land tax rates: one row per (year, kind, category, zone, rank); amounts change yearly by HCL.
CREATE TABLE fiscal.land_tax_rate (
    year          smallint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('intravilan_built', 'intravilan_other', 'extravilan')),
    use_category  text NOT NULL DEFAULT '',
    zone          char(1) NOT NULL CHECK (zone IN ('A', 'B', 'C', 'D')),
    rank          smallint NOT NULL DEFAULT -1,  -- -1: not rank-dependent
    rate_lei_ha   numeric(12, 2) NOT NULL,
    PRIMARY KEY (year, kind, use_category, zone, rank)
);

CREATE TABLE agri.plot (
    id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta         integer NOT NULL REFERENCES territory.uat,
    code               text NOT NULL,
    year               smallint NOT NULL,
    holder_id          bigint REFERENCES fiscal.taxpayer,
    register_position  text,               -- "vol. II, poz. 34"
    tarla              text,
    parcel_no          text,
    use_category       text NOT NULL,
    declared_area      numeric(14, 2) NOT NULL CHECK (declared_area >= 0),
    cadastral_number   text,               -- as declared; parcel_id is the resolved link
    parcel_id          bigint REFERENCES cadastre.parcel,
    geom               geometry(MultiPolygon, :srid) CHECK (ST_IsValid(geom)),
    UNIQUE (uat_siruta, year, code)
);
CREATE INDEX plot_geom_idx ON agri.plot USING gist (geom);
CREATE INDEX plot_parcel_idx ON agri.plot (parcel_id);

-- ---------------------------------------------------------------------------------------
-- Registry: requests, per-year registry numbers, issued documents
-- ---------------------------------------------------------------------------------------
CREATE TABLE registry.counter (
    uat_siruta   integer NOT NULL REFERENCES territory.uat,
    year         smallint NOT NULL,
    last_number  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (uat_siruta, year)
);

CREATE TABLE registry.request (
    id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    uat_siruta        integer NOT NULL REFERENCES territory.uat,
    year              smallint NOT NULL,
    registry_number   integer NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('urbanism', 'nomenclature')),
    applicant_name    text NOT NULL,
    applicant_email   text,
    purpose           text NOT NULL,
    fee               numeric(10, 2),
    status            text NOT NULL DEFAULT 'received'
                          CHECK (status IN ('received', 'draft', 'review', 'issued', 'downloaded', 'cancelled')),
    cancel_reason     text CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
    access_token      text NOT NULL UNIQUE,   -- lets the applicant follow the request without an account
    extends_document_id bigint,               -- an extension (prelungire) of an issued certificate
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    UNIQUE (uat_siruta, year, registry_number)
);

CREATE TABLE registry.request_parcel (
    request_id   bigint NOT NULL REFERENCES registry.request,
    parcel_id    bigint NOT NULL REFERENCES cadastre.parcel,
    PRIMARY KEY (request_id, parcel_id)
);

CREATE TABLE registry.document (
    id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    request_id          bigint NOT NULL REFERENCES registry.request,
    kind                text NOT NULL,
    issued_at           timestamptz NOT NULL DEFAULT now(),
    issued_by           text NOT NULL,
    verification_code   text NOT NULL UNIQUE,
    pdf                 bytea NOT NULL,
    sha256              text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    facts               jsonb NOT NULL
);
ALTER TABLE registry.request ADD FOREIGN KEY (extends_document_id) REFERENCES registry.document;

-- An issued document never changes.
CREATE FUNCTION registry.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'issued documents are immutable' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER document_immutable BEFORE UPDATE OR DELETE ON registry.document
    FOR EACH ROW EXECUTE FUNCTION registry.forbid_change();

-- ---------------------------------------------------------------------------------------
-- Users, roles, API keys
-- ---------------------------------------------------------------------------------------
CREATE TABLE auth.user (
    id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    full_name       text NOT NULL,
    email           text,
    role            text NOT NULL CHECK (role IN ('citizen', 'surveyor', 'officer', 'admin')),
    password_hash   text NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    failed_logins   integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- An account sees the UATs listed here; none listed = every UAT (county administrators).
CREATE TABLE auth.user_uat (
    user_id     bigint NOT NULL REFERENCES auth.user,
    uat_siruta  integer NOT NULL REFERENCES territory.uat,
    PRIMARY KEY (user_id, uat_siruta)
);

CREATE TABLE auth.api_key (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    agency        text NOT NULL,
    prefix        text NOT NULL UNIQUE,     -- first characters, shown to identify a key
    key_hash      text NOT NULL,            -- SHA-256 of the whole key
    collections   text[] NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

-- ---------------------------------------------------------------------------------------
-- History tables and triggers
-- ---------------------------------------------------------------------------------------
CREATE TABLE cadastre.parcel_history (LIKE cadastre.parcel, PRIMARY KEY (id, version));
CREATE TABLE cadastre.building_history (LIKE cadastre.building, PRIMARY KEY (id, version));
CREATE TABLE streets.street_history (LIKE streets.street, PRIMARY KEY (id, version));
CREATE TABLE streets.address_point_history (LIKE streets.address_point, PRIMARY KEY (id, version));
CREATE TABLE planning.zone_history (LIKE planning.zone, PRIMARY KEY (id, version));

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cadastre.parcel', 'cadastre.building', 'streets.street',
                             'streets.address_point', 'planning.zone'] LOOP
        EXECUTE format('CREATE TRIGGER version_row BEFORE UPDATE OR DELETE ON %s
                        FOR EACH ROW EXECUTE FUNCTION audit.version_row()', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['territory.uat', 'territory.locality', 'cadastre.parcel',
                             'cadastre.building', 'streets.street', 'streets.street_name',
                             'streets.address_point', 'planning.document', 'planning.zone',
                             'planning.restriction', 'agri.plot', 'fiscal.taxpayer',
                             'fiscal.tax_assessment', 'registry.request', 'registry.document',
                             'auth.user', 'auth.api_key'] LOOP
        EXECUTE format('CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON %s
                        FOR EACH ROW EXECUTE FUNCTION audit.record_change()', t);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------
-- Data revision: bumped by any change to a published spatial table, so caches (vector tiles)
-- know when to throw away what they hold. One statement-level trigger per table: cheap.
-- ---------------------------------------------------------------------------------------
CREATE TABLE audit.data_revision (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    revision    bigint NOT NULL,
    changed_at  timestamptz NOT NULL
);
INSERT INTO audit.data_revision VALUES (true, 1, now());

-- SECURITY DEFINER: the app role may append to audit tables but not update them.
CREATE FUNCTION audit.bump_data_revision() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
BEGIN
    UPDATE audit.data_revision SET revision = revision + 1, changed_at = now();
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['territory.uat', 'territory.locality', 'cadastre.parcel',
                             'cadastre.building', 'streets.street', 'streets.address_point',
                             'planning.document', 'planning.zone', 'planning.restriction'] LOOP
        EXECUTE format('CREATE TRIGGER bump_data_revision AFTER INSERT OR UPDATE OR DELETE ON %s
                        FOR EACH STATEMENT EXECUTE FUNCTION audit.bump_data_revision()', t);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------
-- The public surface: only public columns of current rows. Owned by the schema owner, read
-- by teritoriu_public, which can read nothing else.
-- ---------------------------------------------------------------------------------------
CREATE VIEW public_api.data_revision AS
    SELECT revision, changed_at FROM audit.data_revision;

CREATE VIEW public_api.uat AS
    SELECT siruta, name, county, kind, geom FROM territory.uat;

CREATE VIEW public_api.locality AS
    SELECT siruta, uat_siruta, name, rank, is_seat, postal_code, geom FROM territory.locality;

CREATE VIEW public_api.parcel AS
    SELECT p.id, p.uat_siruta, p.locality_siruta, p.cadastral_number, p.land_book_number,
           p.legal_area, round(p.measured_area::numeric, 2) AS measured_area, p.use_category,
           p.intravilan, p.tarla, p.parcel_no, p.version, p.valid_from, p.geom
    FROM cadastre.parcel p WHERE p.valid_to IS NULL;

CREATE VIEW public_api.building AS
    SELECT b.id, b.uat_siruta, b.parcel_id, p.cadastral_number, b.building_no, b.destination,
           b.levels, round(b.footprint_area::numeric, 2) AS footprint_area, b.geom
    FROM cadastre.building b LEFT JOIN cadastre.parcel p ON p.id = b.parcel_id
    WHERE b.valid_to IS NULL;

CREATE VIEW public_api.street AS
    SELECT s.id, s.uat_siruta, s.locality_siruta, l.name AS locality, s.code, s.street_type,
           s.name, s.street_type || ' ' || s.name AS full_name, s.hcl_number, s.hcl_date, s.geom
    FROM streets.street s JOIN territory.locality l ON l.siruta = s.locality_siruta
    WHERE s.valid_to IS NULL;

CREATE VIEW public_api.address_point AS
    SELECT a.id, a.uat_siruta, a.street_id, s.street_type, s.name AS street_name,
           a.number, a.suffix, a.number::text || a.suffix AS house_number, a.block, a.entrance,
           a.postal_code, l.name AS locality, p.cadastral_number, a.geom
    FROM streets.address_point a
    JOIN streets.street s ON s.id = a.street_id
    JOIN territory.locality l ON l.siruta = s.locality_siruta
    LEFT JOIN cadastre.parcel p ON p.id = a.parcel_id AND p.valid_to IS NULL
    WHERE a.valid_to IS NULL;

CREATE VIEW public_api.planning_document AS
    SELECT id, uat_siruta, code, kind, name, hcl_number, hcl_date, valid_from, valid_until, geom
    FROM planning.document;

CREATE VIEW public_api.zone AS
    SELECT z.id, z.uat_siruta, z.code, z.functional_zone, z.name, z.pot_max, z.cut_max,
           z.max_height_m, z.height_regime, z.min_parcel_area, z.min_frontage_m,
           array_to_string(z.allowed_uses, '; ') AS allowed_uses,
           array_to_string(z.conditional_uses, '; ') AS conditional_uses,
           array_to_string(z.forbidden_uses, '; ') AS forbidden_uses,
           d.kind AS document_kind, d.code AS document_code, d.name AS document_name,
           d.hcl_number, d.hcl_date, d.valid_from AS document_valid_from,
           d.valid_until AS document_valid_until, z.rules, z.geom
    FROM planning.zone z JOIN planning.document d ON d.id = z.document_id
    WHERE z.valid_to IS NULL;

CREATE VIEW public_api.restriction AS
    SELECT id, uat_siruta, kind, name, legal_basis, description, valid_from, valid_until, geom
    FROM planning.restriction;

-- ---------------------------------------------------------------------------------------
-- The restricted surface: personal data joined in for staff and granted agencies (API keys).
-- Read by teritoriu_app only; every read through the API is logged.
-- ---------------------------------------------------------------------------------------
CREATE VIEW staff_api.agri_plot AS
    SELECT a.id, a.uat_siruta, a.code, a.year, a.register_position, a.tarla, a.parcel_no,
           a.use_category, a.declared_area, round(ST_Area(a.geom)::numeric, 2) AS measured_area,
           a.cadastral_number, t.kind AS holder_kind, t.name AS holder_name,
           t.id_code AS holder_id_code, a.geom
    FROM agri.plot a LEFT JOIN fiscal.taxpayer t ON t.id = a.holder_id;

CREATE VIEW staff_api.parcel_assessment AS
    SELECT ta.id, ta.uat_siruta, ta.year, p.cadastral_number, ta.object_kind, ta.use_category,
           ta.zone, ta.intravilan, ta.area, ta.amount, ta.paid, ta.amount - ta.paid AS due,
           t.kind AS taxpayer_kind, t.name AS taxpayer_name, t.id_code AS taxpayer_id_code,
           t.tax_account, p.geom
    FROM fiscal.tax_assessment ta
    JOIN fiscal.taxpayer t ON t.id = ta.taxpayer_id
    LEFT JOIN cadastre.parcel p ON p.id = ta.parcel_id AND p.valid_to IS NULL;

CREATE VIEW staff_api.parcel_record AS
    SELECT p.id, p.uat_siruta, p.locality_siruta, p.cadastral_number, p.land_book_number,
           p.eterra_id, p.legal_area, round(p.measured_area::numeric, 2) AS measured_area,
           p.use_category, p.intravilan, p.tarla, p.parcel_no, p.version, p.valid_from,
           h.holders, h.holder_id_codes, p.geom
    FROM cadastre.parcel p
    LEFT JOIN LATERAL (
        SELECT string_agg(DISTINCT t.name, '; ') AS holders,
               string_agg(DISTINCT t.id_code, '; ') AS holder_id_codes
        FROM fiscal.taxpayer t
        WHERE t.id IN (SELECT taxpayer_id FROM fiscal.tax_assessment WHERE parcel_id = p.id
                       UNION SELECT holder_id FROM agri.plot WHERE parcel_id = p.id)
    ) h ON true
    WHERE p.valid_to IS NULL;

-- INSPIRE-shaped views (Cadastral Parcels, Addresses): the data specifications' attribute names,
-- flattened for OGC API Features. Namespace: RO.<SIRUTA of the UAT>.
CREATE VIEW public_api.inspire_cadastral_parcel AS
    SELECT p.id,
           'RO.' || p.uat_siruta || '.CP.' || p.cadastral_number || '.' || p.version AS "inspireId",
           p.cadastral_number AS "nationalCadastralReference",
           p.cadastral_number AS label,
           round(coalesce(p.legal_area, p.measured_area::numeric), 2) AS "areaValue",
           CASE WHEN p.legal_area IS NULL THEN 'measured' ELSE 'official' END AS "areaValueType",
           p.valid_from AS "beginLifespanVersion",
           NULL::timestamptz AS "endLifespanVersion",
           p.geom
    FROM cadastre.parcel p WHERE p.valid_to IS NULL;

CREATE VIEW public_api.inspire_address AS
    SELECT a.id,
           'RO.' || a.uat_siruta || '.AD.' || a.id || '.' || a.version AS "inspireId",
           a.number::text || a.suffix AS "locatorDesignator",
           'addressNumber' AS "locatorDesignatorType",
           nullif(concat_ws(' ', nullif('bl. ' || nullif(a.block, ''), 'bl. '),
                            nullif('sc. ' || nullif(a.entrance, ''), 'sc. ')), '') AS "locatorLevel",
           s.street_type || ' ' || s.name AS "thoroughfareName",
           l.name AS "adminUnitName",
           u.name AS "adminUnitLevel4",
           a.postal_code AS "postCode",
           p.cadastral_number AS "parcelReference",
           a.valid_from AS "beginLifespanVersion",
           a.geom
    FROM streets.address_point a
    JOIN streets.street s ON s.id = a.street_id
    JOIN territory.locality l ON l.siruta = s.locality_siruta
    JOIN territory.uat u ON u.siruta = a.uat_siruta
    LEFT JOIN cadastre.parcel p ON p.id = a.parcel_id AND p.valid_to IS NULL
    WHERE a.valid_to IS NULL;
