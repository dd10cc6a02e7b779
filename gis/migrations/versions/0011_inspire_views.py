"""INSPIRE views as the data specifications describe them (issue 16), encoded as the INSPIRE
"GeoJSON encoding" good practice does: `inspireId` an object {localId, namespace, versionId},
a measure a number with its unit in `<name>.uom`, code-list values as the registry's URIs.

- Cadastral Parcels (CP 3.1): every version of every parcel, the current one and the ones an
  edit closed (`cadastre.parcel_history`) or a retirement ended: `beginLifespanVersion` and
  `endLifespanVersion` are that version's own dates, `validFrom`/`validTo` the parcel's (its
  first version, its retirement).
- Addresses (AD 3.1): the same for address points, with locators by level and the components
  (thoroughfare name, admin unit, postal descriptor) they are made of.
- Planned Land Use (PLU 3.0): the UTR zones as ZoningElements (HILUCS codes from the UTR's
  function, `planning.hilucs_land_use`, filled here from gis/land_use.py) and the plans as
  SpatialPlans.

The feature id of a versioned object is `<id>-v<version>` (e.g. `110-v2`): the object's id and
version in one, and not a decimal number (`110.10` would read as one).

Revision ID: 0011
Revises: 0010
"""

from alembic import op
from sqlalchemy import text

from gis.land_use import HILUCS_BY_FUNCTIONAL_ZONE

revision = "0011"
down_revision = "0010"

CODELIST = "http://inspire.ec.europa.eu/codelist"


def upgrade(settings) -> None:
    op.execute(f"""
    CREATE TABLE planning.hilucs_land_use (
        functional_zone text PRIMARY KEY,
        hilucs          text[] NOT NULL CHECK (cardinality(hilucs) > 0)
    );
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT ON planning.hilucs_land_use TO teritoriu_app;
        END IF;
    END $$;

    -- one parcel version per row: the live row (current or retired) and the closed ones. The
    -- feature id is an indexed expression of both tables, so that a page in id order is a merge
    -- of two index scans (a sort of every version computed every row's reference point: 93 ms
    -- a page at 2,000 parcels, 0.5 ms so). Per-parcel facts are looked up for the page's rows only.
    CREATE INDEX parcel_version_key_idx ON cadastre.parcel ((id::text || '-v' || version::text));
    CREATE INDEX parcel_history_version_key_idx ON cadastre.parcel_history ((id::text || '-v' || version::text));
    DROP VIEW public_api.inspire_cadastral_parcel;
    CREATE VIEW public_api.inspire_cadastral_parcel AS
    SELECT v.id::text || '-v' || v.version::text AS id,
           jsonb_build_object('localId', v.id::text, 'namespace', 'RO.' || v.uat_siruta || '.CP',
                              'versionId', v.version::text) AS "inspireId",
           v.cadastral_number AS "nationalCadastralReference",
           v.cadastral_number AS label,
           round(coalesce(v.legal_area, v.measured_area::numeric), 2) AS "areaValue",
           'm2'::text AS "areaValue.uom",
           v.valid_from AS "beginLifespanVersion",
           v.valid_to AS "endLifespanVersion",
           (SELECT min(f.valid_from) FROM (SELECT valid_from FROM cadastre.parcel WHERE id = v.id
                                           UNION ALL
                                           SELECT valid_from FROM cadastre.parcel_history WHERE id = v.id) f)
               AS "validFrom",
           (SELECT p.valid_to FROM cadastre.parcel p WHERE p.id = v.id) AS "validTo",
           ST_AsGeoJSON(ST_Transform(ST_PointOnSurface(v.geom), 4326), 9)::jsonb AS "referencePoint",
           v.uat_siruta,
           v.geom
    FROM (SELECT id, uat_siruta, cadastral_number, legal_area, measured_area, version, valid_from, valid_to, geom
          FROM cadastre.parcel
          UNION ALL
          SELECT id, uat_siruta, cadastral_number, legal_area, measured_area, version, valid_from, valid_to, geom
          FROM cadastre.parcel_history) v;

    CREATE INDEX address_point_version_key_idx ON streets.address_point ((id::text || '-v' || version::text));
    CREATE INDEX address_point_history_version_key_idx
        ON streets.address_point_history ((id::text || '-v' || version::text));
    DROP VIEW public_api.inspire_address;
    CREATE VIEW public_api.inspire_address AS
    SELECT v.id::text || '-v' || v.version::text AS id,
           jsonb_build_object('localId', v.id::text, 'namespace', 'RO.' || v.uat_siruta || '.AD',
                              'versionId', v.version::text) AS "inspireId",
           CASE WHEN r.retired_at IS NULL THEN '{CODELIST}/StatusValue/current'
                ELSE '{CODELIST}/StatusValue/retired' END AS status,
           jsonb_strip_nulls(jsonb_build_array(
               jsonb_build_object(
                   'level', '{CODELIST}/LocatorLevelValue/siteLevel',
                   'designator', jsonb_build_array(
                       jsonb_build_object('designator', v.number::text,
                                          'type', '{CODELIST}/LocatorDesignatorTypeValue/addressNumber'))
                       || CASE WHEN v.suffix <> '' THEN jsonb_build_array(jsonb_build_object(
                              'designator', v.suffix,
                              'type', '{CODELIST}/LocatorDesignatorTypeValue/addressNumberExtension'))
                          ELSE '[]'::jsonb END
                       || CASE WHEN v.block <> '' THEN jsonb_build_array(jsonb_build_object(
                              'designator', v.block,
                              'type', '{CODELIST}/LocatorDesignatorTypeValue/buildingIdentifier'))
                          ELSE '[]'::jsonb END))
               || CASE WHEN v.entrance <> '' THEN jsonb_build_array(jsonb_build_object(
                      'level', '{CODELIST}/LocatorLevelValue/accessLevel',
                      'designator', jsonb_build_array(jsonb_build_object(
                          'designator', v.entrance,
                          'type', '{CODELIST}/LocatorDesignatorTypeValue/staircaseIdentifier'))))
                  ELSE '[]'::jsonb END) AS locator,
           v.number::text || v.suffix AS "locatorDesignator",
           s.street_type || ' ' || s.name AS "thoroughfareName",
           l.name AS "adminUnitName",
           u.name AS "adminUnitLevel4",
           v.postal_code AS "postCode",
           jsonb_strip_nulls(jsonb_build_array(
               jsonb_build_object('type', 'ThoroughfareName', 'name', s.street_type || ' ' || s.name,
                                  'collection', 'streets', 'featureId', s.id,
                                  'inspireId', jsonb_build_object('localId', s.id::text,
                                      'namespace', 'RO.' || v.uat_siruta || '.AD.ThoroughfareName')),
               jsonb_build_object('type', 'AddressAreaName', 'name', l.name,
                                  'collection', 'localities', 'featureId', l.siruta),
               jsonb_build_object('type', 'AdminUnitName', 'name', u.name, 'level', 4,
                                  'collection', 'uat', 'featureId', u.siruta),
               jsonb_build_object('type', 'PostalDescriptor', 'postCode', v.postal_code))) AS component,
           p.cadastral_number AS "parcelReference",
           v.valid_from AS "beginLifespanVersion",
           v.valid_to AS "endLifespanVersion",
           (SELECT min(f.valid_from) FROM (SELECT valid_from FROM streets.address_point WHERE id = v.id
                                           UNION ALL
                                           SELECT valid_from FROM streets.address_point_history
                                           WHERE id = v.id) f) AS "validFrom",
           r.retired_at AS "validTo",
           v.uat_siruta,
           v.geom
    FROM (SELECT id, uat_siruta, street_id, number, suffix, block, entrance, postal_code, parcel_id,
                 version, valid_from, valid_to, geom FROM streets.address_point
          UNION ALL
          SELECT id, uat_siruta, street_id, number, suffix, block, entrance, postal_code, parcel_id,
                 version, valid_from, valid_to, geom FROM streets.address_point_history) v
    CROSS JOIN LATERAL (SELECT a.valid_to AS retired_at FROM streets.address_point a WHERE a.id = v.id) r
    JOIN streets.street s ON s.id = v.street_id
    JOIN territory.locality l ON l.siruta = s.locality_siruta
    JOIN territory.uat u ON u.siruta = v.uat_siruta
    LEFT JOIN cadastre.parcel p ON p.id = v.parcel_id AND p.valid_to IS NULL;

    CREATE VIEW public_api.inspire_spatial_plan AS
    SELECT d.id,
           jsonb_build_object('localId', d.code, 'namespace', 'RO.' || d.uat_siruta || '.PLU.SpatialPlan')
               AS "inspireId",
           d.name AS "officialTitle",
           CASE d.kind WHEN 'PUG' THEN '{CODELIST}/LevelOfSpatialPlanValue/local'
                       ELSE '{CODELIST}/LevelOfSpatialPlanValue/infraLocal' END AS "levelOfSpatialPlan",
           d.kind AS "planTypeName",
           CASE WHEN d.valid_from > current_date THEN '{CODELIST}/ProcessStepGeneralValue/adoption'
                WHEN d.valid_until IS NOT NULL AND d.valid_until <= current_date
                    THEN '{CODELIST}/ProcessStepGeneralValue/obsolete'
                ELSE '{CODELIST}/ProcessStepGeneralValue/legalForce' END AS "processStepGeneral",
           jsonb_build_array(jsonb_build_object('ordinanceReference', 'HCL nr. ' || d.hcl_number,
                                                'ordinanceDate', d.hcl_date)) AS ordinance,
           d.hcl_date AS "ordinanceDate",
           d.valid_from AS "validFrom",
           d.valid_until AS "validTo",
           d.uat_siruta,
           d.geom
    FROM planning.document d WHERE d.geom IS NOT NULL;

    CREATE VIEW public_api.inspire_zoning_element AS
    SELECT z.id,
           jsonb_build_object('localId', z.id::text, 'namespace', 'RO.' || z.uat_siruta || '.PLU.ZoningElement',
                              'versionId', z.version::text) AS "inspireId",
           coalesce(
               (SELECT array_agg('{CODELIST}/HILUCSValue/' || c ORDER BY i)
                FROM unnest(h.hilucs) WITH ORDINALITY AS u(c, i)),
               ARRAY['{CODELIST}/HILUCSValue/6_6_NotKnownUse']) AS "hilucsLandUse",
           z.code || ' (' || z.functional_zone || ')' AS "specificLandUse",
           '{CODELIST}/RegulationNatureValue/generallyBinding' AS "regulationNature",
           CASE WHEN d.valid_from > current_date THEN '{CODELIST}/ProcessStepGeneralValue/adoption'
                WHEN d.valid_until IS NOT NULL AND d.valid_until <= current_date
                    THEN '{CODELIST}/ProcessStepGeneralValue/obsolete'
                ELSE '{CODELIST}/ProcessStepGeneralValue/legalForce' END AS "processStepGeneral",
           jsonb_strip_nulls(jsonb_build_object('POT', z.pot_max, 'CUT', z.cut_max,
                                                'maxHeight', z.max_height_m)) AS "dimensioningIndication",
           d.valid_from AS "validFrom",
           d.valid_until AS "validTo",
           z.valid_from AS "beginLifespanVersion",
           z.valid_to AS "endLifespanVersion",
           jsonb_build_object('localId', d.code, 'namespace', 'RO.' || d.uat_siruta || '.PLU.SpatialPlan',
                              'collection', 'inspire_spatial_plans', 'featureId', d.id) AS plan,
           d.kind AS "planTypeName",
           z.uat_siruta,
           z.geom
    FROM planning.zone z
    JOIN planning.document d ON d.id = z.document_id
    LEFT JOIN planning.hilucs_land_use h ON h.functional_zone = z.functional_zone
    WHERE z.valid_to IS NULL;

    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_public') THEN
            GRANT SELECT ON public_api.inspire_cadastral_parcel, public_api.inspire_address,
                            public_api.inspire_spatial_plan, public_api.inspire_zoning_element
                TO teritoriu_public;
        END IF;
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT ON public_api.inspire_cadastral_parcel, public_api.inspire_address,
                            public_api.inspire_spatial_plan, public_api.inspire_zoning_element
                TO teritoriu_app;
        END IF;
    END $$;
    """)  # noqa: S608 - CODELIST is this module's constant
    rows = [{"z": zone, "h": list(codes)} for zone, codes in HILUCS_BY_FUNCTIONAL_ZONE.items()]
    op.get_bind().execute(text("INSERT INTO planning.hilucs_land_use VALUES (:z, :h)"), rows)


def downgrade(settings) -> None:
    raise NotImplementedError
