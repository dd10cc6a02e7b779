
# The content of an audit row as its hash covers it (migration 0004, gis/audit_chain.py); the
# time as microseconds since 1970, independent of the session's TimeZone.
CHAIN_CONTENT = """convert_to(concat_ws('|', {r}.chain_no, (extract(epoch FROM {r}.at) * 1000000)::bigint, {r}.actor,
    {r}.action, {r}.table_name, {r}.object_id, {r}.uat_siruta, {r}.before::text, {r}.after::text), 'UTF8')"""
