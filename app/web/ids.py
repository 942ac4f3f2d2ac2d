"""Component ids: constants, kebab-case <thing>-<role>. A test checks they are unique and used."""

from app import filters

URL = "url-location"
FILTER_STORE = "filter-store"
VIEW_STORE = "view-store"
SELECTION_STORE = "selection-store"

NOTICE = "notice-area"
DATA_NOTICE = "data-notice"
SUMMARY = "summary-line"
RESET = "reset-button"
COPY_LINK = "copy-link-button"

# the filter controls: declared with their filter (app.filters.FilterState)
DATE_START = filters.FIELDS["start"].control
DATE_END = filters.FIELDS["end"].control
CATEGORIES = filters.FIELDS["categories"].control
ACTORS = filters.FIELDS["actors"].control
ACTOR_ROLE = filters.FIELDS["actor_role"].control
COUNTRIES = filters.FIELDS["countries"].control
SYSTEMS = filters.FIELDS["systems"].control
VERIFICATION = filters.FIELDS["verification"].control
TEXT = filters.FIELDS["text"].control
LANES = "lanes-radio"
SEATS = "seats-checklist"

TIMELINE = "timeline-graph"
MAP = "map-graph"
TIMELINE_SVG = "timeline-svg-button"
MAP_SVG = "map-svg-button"
DETAIL = "detail-panel"
GRID = "event-grid"
GRID_SLOT = "event-grid-slot"  # where the table mounts once the map is drawn
EVENTS_TABLE = "events-table"  # the table's section: the skip link leads here
FILTERS_PANEL = "filters"  # the filter controls: the second skip link leads here
GRID_SPEC = "event-grid-spec-store"  # the table's props, which the browser mounts it from

DOWNLOAD = "download-file"
DOWNLOAD_CSV = "download-csv-button"
DOWNLOAD_JSON = "download-json-button"
DOWNLOAD_GEOJSON = "download-geojson-button"
CITE_BIBTEX = "cite-bibtex-button"
CITE_RIS = "cite-ris-button"
CITE_CSL = "cite-csl-button"
CITE_DATASET = "cite-dataset-button"

HELP = "help-panel"
ABOUT = "about-panel"
HELP_BODY = "help-body"
HELP_SUMMARY = "help-summary"
ABOUT_SUMMARY = "about-summary"
ABOUT_BODY = "about-body"
CLIENT_DUMMY = "client-dummy-store"

PAGE = "page-root"
PRINT_LIST = "print-list"
PRINT_BUTTON = "print-button"
PRESENT_SELECT = "present-select"
PRESENT_PANEL = "present-panel"
PRESENT_PREV = "present-prev-button"
PRESENT_NEXT = "present-next-button"
PRESENT_EXIT = "present-exit-button"
PRESENT_PPTX = "present-pptx-button"
PRESENT_HTML = "present-html-button"

DATASET_STORE = "dataset-store"
JOB_STATUS = "job-status"  # the progress bar of a background job (deck, brief, export)
JOB_PROGRESS = "job-progress"
JOB_TEXT = "job-text"
TAB_STORE = "tab-store"  # this browser tab's id (session storage), the key of its uploads
DATASET_BANNER = "dataset-banner"
DATASET_BANNER_TEXT = "dataset-banner-text"
BUNDLED_BUTTON = "bundled-data-button"
UPLOAD = "upload-input"
UPLOAD_PAYLOAD = "upload-payload-store"
UPLOAD_JOB = "upload-job"  # a large upload pending in the store, read by a background job
UPLOAD_LIMIT = "upload-limit-store"  # the largest file the browser sends (app.limits)
UPLOAD_REPORT = "upload-report"
KEY_AREA = "timeline-key-area"
PANELS = "help-panels"
HEADER_TITLE = "header-title"
FOOTER = "page-footer"
PRESENT_PICKER = "present-picker"
GRID_REFRESH = "grid-refresh-store"
GRID_ASK = "grid-ask-store"  # a table block the browser could not answer from GRID_REFRESH
