"""Column and table names, in one place. Code uses these constants, never string literals."""

from __future__ import annotations

# tables
EVENTS = "events"
SOURCES = "sources"
EVENT_SOURCES = "event_sources"
ACTORS = "actors"
EVENT_ACTORS = "event_actors"
SYSTEMS = "systems"
NARRATIVES = "narratives"
NARRATIVE_STEPS = "narrative_steps"
MEASURES = "measures"
ALIASES_TABLE = "aliases"

# events
EVENT_ID = "event_id"
KIND = "kind"
DATE_START = "date_start"
DATE_END = "date_end"
DATE_PRECISION = "date_precision"
ANNOUNCED_DATE = "announced_date"
TITLE = "title"
DESCRIPTION = "description"
NOTES = "notes"
CATEGORY = "category"
SUB_CATEGORY = "sub_category"
PLACE_NAME = "place_name"
COUNTRY = "country"
LATITUDE = "latitude"
LONGITUDE = "longitude"
GEO_PRECISION = "geo_precision"
LOCATION_ROLE = "location_role"
VERIFICATION = "verification"
SYSTEMS_COL = "systems"
RELATED_EVENTS = "related_events"

# derived event columns, added by the loader (never in the CSV)
LINE = "_line"  # CSV line number of the row
OPEN_ENDED = "open_ended"  # a period still in force (date_end empty in the CSV)
ACTOR_IDS = "actor_ids"  # ';'-joined actor ids taking part
ACTOR_ROLES = "actor_roles"  # ';'-joined "actor_id:role" pairs
COUNTRY_NAME = "country_name"
SEARCH_TEXT = "search_text"  # lower-cased text searched by the free-text filter
SOURCE_COUNT = "source_count"
DATE_LABEL = "date_label"  # the window as precisely as known: "May 2022"
END_OR_TODAY = "end_or_today"  # date_end, with open-ended periods reaching the load date

# sources
SOURCE_ID = "source_id"
PUBLISHER = "publisher"
SOURCE_TITLE = "title"
AUTHOR = "author"
PUBLISHED = "published"
URL = "url"
ARCHIVE_URL = "archive_url"
ACCESSED = "accessed"
SOURCE_TYPE = "source_type"
LANGUAGE = "language"

# links
ROLE = "role"
NOTE = "note"
RELAYS = "relays"  # event_sources: the report this source relays (a listed source_id or a name)
SOURCE_NOTE = "source_note"  # sources: a curator's note on the source (never in its title)

# actors
ACTOR_ID = "actor_id"
NAME = "name"
ACTOR_TYPE = "actor_type"
PARENT_ID = "parent_id"
ALIASES = "aliases"

# systems
SYSTEM_ID = "system_id"
SYSTEM_CLASS = "system_class"
ORIGIN_COUNTRY = "origin_country"
DESIGNER_ID = "designer_id"

# narratives
NARRATIVE_ID = "narrative_id"
NARRATIVE_TITLE = "title"
SUMMARY = "summary"
STEP = "step"
CAPTION = "caption"
WINDOW_START = "window_start"
WINDOW_END = "window_end"
FOCUS_LON = "focus_lon"
FOCUS_LAT = "focus_lat"
FOCUS_SCALE = "focus_scale"

LIST_SEPARATOR = ";"

# measures
MEASURE_ID = "measure_id"
MEASURE = "measure"
VALUE = "value"
VALUE_LOW = "value_low"
VALUE_HIGH = "value_high"
UNIT = "unit"

# aliases
ALIAS_ID = "alias_id"
ALIAS_KIND = "kind"
