"""Command-line interface: thin — parse arguments, call the core, print.

    python -m app validate [DATA_DIR] [--json]
    python -m app describe [DATA_DIR] [--json]
    python -m app serve [--data DIR] [--host H] [--port P] [--debug]
    python -m app export --format csv|json|geojson [filters] --out FILE [--force]

Exit codes: 0 success · 1 the data has errors (or the command failed on bad input) ·
2 unreadable input (missing directory or table, not UTF-8, not CSV) or bad usage.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click

from app import __version__
from app.dataset import Dataset, load_package
from app.dataset.report import describe_counts, not_loaded, problem_table, summary_line, validation_json
from app.errors import DataUnreadableError, GeotimelineError, OutputError, SchemaError, UserInputError
from app.export.tabular import FORMATS, export_view
from app.export.write import write_atomic
from app.figures.context import FigureContext, labels_for
from app.filters import FIELDS, FilterState, apply_filters
from app.filters import describe as describe_view
from app.settings import BUNDLED_DATA, Settings
from app.textsafe import json_terminal_safe, terminal_safe
from app.urlstate import Known, parse_query

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2

DATA_ARG = click.argument(
    "data_dir", required=False, type=click.Path(path_type=Path), default=None
)


def say(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a message with escape sequences and control characters from data removed."""
    click.echo(terminal_safe(message), err=err, nl=nl)


def say_json(document: str) -> None:
    """Print a JSON document, its C1 controls escaped (``json.dumps`` escapes the C0 ones)."""
    click.echo(json_terminal_safe(document))


def _load(data_dir: Path | None) -> Dataset:
    return load_package(data_dir or BUNDLED_DATA)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="geotimeline")
def cli() -> None:
    """geotimeline: a sourced event table feeding a linked timeline and world map."""


@cli.command()
@DATA_ARG
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (stable format).")
def validate(data_dir: Path | None, as_json: bool) -> None:
    """Check a data package and list every problem (file, line, field, value, fix)."""
    ds = _load(data_dir)
    if as_json:
        say_json(json.dumps(validation_json(ds), ensure_ascii=False, indent=2))
    else:
        if ds.problems:
            say(problem_table(ds.problems))
            say()
        say(summary_line(ds))
    sys.exit(exit_code(ds))


def exit_code(ds: Dataset) -> int:
    if ds.unreadable:
        return EXIT_UNREADABLE
    return EXIT_INVALID if ds.errors else EXIT_OK


@cli.command()
@DATA_ARG
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def describe(data_dir: Path | None, as_json: bool) -> None:
    """Counts per category and per year, and the date span."""
    ds = _load(data_dir)
    counts = describe_counts(ds)
    if as_json:
        say_json(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    say(f"{ds.title()} — version {ds.metadata.get('version', '?')}")
    say(f"{counts['events']} events ({counts['periods']} periods), "
               f"{counts['sources']} sources, {counts['actors']} actors, {counts['systems']} systems")
    say(f"date span: {counts['date_span'][0]} … {counts['date_span'][1]}")
    say("\nper category:")
    for name, n in counts["per_category"].items():
        say(f"  {name:<14} {n:>5}")
    say("\nper year (events starting that year):")
    for year, n in counts["per_year"].items():
        say(f"  {year:>4}  {n:>4}  {'█' * n}")
    if ds.errors:
        say(f"\n{not_loaded(ds)} — run `python -m app validate {ds.data_dir}`")


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Data package directory [default: the bundled data/].")
@click.option("--host", default=None, help="Address to bind [default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [default: 8050].")
@click.option("--debug/--no-debug", default=None, help="Dash debug mode (development only).")
def serve(data_dir: Path | None, host: str | None, port: int | None, debug: bool | None) -> None:
    """Start the dashboard (debug off, bound to localhost by default)."""
    from app.web import create_app

    settings = Settings.from_env(data_dir=data_dir, host=host, port=port, debug=debug)
    ds = load_package(settings.data_dir)
    if ds.unreadable:
        fatal = next(p for p in ds.problems if p.severity == "fatal")
        raise DataUnreadableError(f"{fatal.message} — run `python -m app validate {settings.data_dir}`")
    app = create_app(settings, ds)
    url = f"http://{settings.host}:{settings.port}/"
    note = f" · {not_loaded(ds)} — run `python -m app validate {settings.data_dir}`" if ds.errors else ""
    say(f"geotimeline: {len(ds.events)} events from {settings.data_dir} on {url}{note}")
    app.run(host=settings.host, port=settings.port, debug=settings.debug,
            dev_tools_disable_version_check=True, dev_tools_ui=settings.debug,
            dev_tools_hot_reload=False)


def filter_options(fn: Any) -> Any:
    """The URL's filter parameters as options, so `export --cat transfer` = `?cat=transfer`."""
    for name, help_text in reversed(FILTER_PARAMS):
        fn = click.option(f"--{name}", name.replace("-", "_"), default=None, help=help_text)(fn)
    return fn


FILTER_PARAMS = [(p.url, p.help) for p in FIELDS.values()]  # declared with FilterState (app.filters)


def state_from_options(ds: Dataset, values: dict[str, Any]) -> FilterState:
    """Options -> FilterState through the same parser as the URL; bad values are an error here."""
    pairs = [(k, values[k.replace("-", "_")]) for k, _ in FILTER_PARAMS if values.get(k.replace("-", "_"))]
    for key, value in pairs:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # the shell gave bytes that are not UTF-8 (kept as surrogates)
            raise UserInputError(f"--{key}: the value is not valid UTF-8 text; check the terminal's "
                                 "encoding or type the value again") from None
    state, _, notices = parse_query(urlencode(pairs), Known.from_dataset(ds))
    if notices:
        raise UserInputError(" ".join(notices))
    return state


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Data package directory [default: the bundled data/].")
@click.option("--format", "fmt", type=click.Choice([*sorted(FORMATS), "timelinejs", "package"]), required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file ('-' for standard output); a folder for --format package.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file (or write into a non-empty folder).")
@filter_options
def export(data_dir: Path | None, fmt: str, out: Path, force: bool, **filters: Any) -> None:
    """Export the events of a view (the same filters as the dashboard's URL): CSV, JSON, GeoJSON,
    TimelineJS JSON, or a clean data package of the view."""
    from app.export.formats import to_timelinejs, write_view_package

    ds = _load(data_dir)
    state = state_from_options(ds, filters)
    ctx = FigureContext.from_dataset(ds)
    shown = apply_filters(ds.events, state, ctx.today)
    text = describe_view(state, len(shown), labels_for(ds, ctx))
    if fmt == "package":
        write_view_package(ds, shown, text, out, force=force)
        say(f"wrote a data package of {text} to {out}: {summary_line(load_package(out))}", err=True)
        return
    if fmt == "timelinejs":
        content = to_timelinejs(ds, shown, text, ctx.today)
    else:
        _, content = export_view(fmt, shown, ds, state, labels_for(ds, ctx))
    if str(out) == "-":
        click.echo(content.decode("utf-8"), nl=False)
        return
    write_atomic(out, content, force=force)
    say(f"wrote {len(shown)} events ({describe_view(state, len(shown), labels_for(ds, ctx))}) to {out}",
               err=True)


DATA_OPTION = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
                           help="Data package directory [default: the bundled data/].")
OUT_OPTION = click.option("--out", type=click.Path(path_type=Path), required=True, help="Output file.")
FORCE_OPTION = click.option("--force", is_flag=True, help="Overwrite an existing output file.")


@cli.command()
@click.argument("narrative")
@DATA_OPTION
@click.option("--format", "fmt", type=click.Choice(["pptx", "html"]), required=True)
@OUT_OPTION
@FORCE_OPTION
def brief(narrative: str, data_dir: Path | None, fmt: str, out: Path, force: bool) -> None:
    """A narrative as a slide deck (pptx) or a steppable offline HTML file."""
    from app.export.narrative import load_narrative

    ds = _load(data_dir)
    ctx = FigureContext.from_dataset(ds)
    story = load_narrative(ds, narrative, ctx.today)
    if out.exists() and not force:
        raise OutputError(f"{out} already exists; use --force to overwrite it")
    if fmt == "pptx":
        from app.export.images import renderer
        from app.export.slides import build_deck

        with renderer() as r:
            content = build_deck(ds, ctx, story, r)
    else:
        from app.export.snapshot import snapshot_html

        content = snapshot_html(ds, ctx, ds.events, story.title, story.summary, story)
    write_atomic(out, content, force=force)
    say(f"wrote {story.title!r} ({len(story.steps)} steps) to {out}", err=True)


@cli.command()
@DATA_OPTION
@OUT_OPTION
@FORCE_OPTION
@filter_options
def snapshot(data_dir: Path | None, out: Path, force: bool, **filters: Any) -> None:
    """One self-contained HTML file of a view (opens offline from file://)."""
    from app.export.snapshot import snapshot_html

    ds = _load(data_dir)
    state = state_from_options(ds, filters)
    ctx = FigureContext.from_dataset(ds)
    shown = apply_filters(ds.events, state, ctx.today)
    text = describe_view(state, len(shown), labels_for(ds, ctx))
    write_atomic(out, snapshot_html(ds, ctx, shown, ds.title(), text), force=force)
    say(f"wrote {text} to {out}", err=True)


@cli.command()
@click.argument("kind", type=click.Choice(["timeline", "map"]))
@DATA_OPTION
@click.option("--format", "fmt", type=click.Choice(["png", "svg", "pdf"]), default="png", show_default=True)
@click.option("--width", type=int, default=1600, show_default=True)
@click.option("--height", type=int, default=900, show_default=True)
@click.option("--lanes", type=click.Choice(["category", "actor", "country"]), default="category")
@OUT_OPTION
@FORCE_OPTION
@filter_options
def figure(kind: str, data_dir: Path | None, fmt: str, width: int, height: int, lanes: str, out: Path,
           force: bool, **filters: Any) -> None:
    """The timeline or the map of a view as PNG, SVG or PDF (slide size by default)."""
    from app.export.images import render
    from app.figures.map import map_spec
    from app.figures.timeline import timeline_spec

    ds = _load(data_dir)
    state = state_from_options(ds, filters)
    ctx = FigureContext.from_dataset(ds)
    shown = apply_filters(ds.events, state, ctx.today)
    text = describe_view(state, len(shown), labels_for(ds, ctx))
    if out.exists() and not force:
        raise OutputError(f"{out} already exists; use --force to overwrite it")
    if kind == "timeline":
        window = (state.start, state.end) if state.start or state.end else None
        spec = timeline_spec(shown, ctx, lanes=lanes, title=text, window=window, export=True, plot_px=width * 0.8,
                             plot_h=height * 0.7)
    else:
        spec = map_spec(shown, ctx, title=text)
    write_atomic(out, render(spec, fmt, (width, height)), force=force)
    say(f"wrote the {kind} of {text} to {out}", err=True)


@cli.command()
@DATA_OPTION
@click.option("--format", "fmt", type=click.Choice(["bibtex", "biblatex", "ris", "csl-json"]), required=True)
@click.option("--dataset", "dataset_only", is_flag=True, help="Cite the dataset itself instead of the sources.")
@click.option("--accessed", default=None, help="Access date for sources without one (YYYY-MM-DD; default: today).")
@OUT_OPTION
@FORCE_OPTION
@filter_options
def cite(data_dir: Path | None, fmt: str, dataset_only: bool, accessed: str | None, out: Path, force: bool,
         **filters: Any) -> None:
    """The sources of a view (each once) — or the dataset — as BibTeX, RIS or CSL-JSON."""
    from app.export.citations import cite as cite_sources
    from app.export.citations import cite_dataset

    ds = _load(data_dir)
    if dataset_only:
        content = cite_dataset(ds, fmt)
        what = "the dataset"
    else:
        state = state_from_options(ds, filters)
        ctx = FigureContext.from_dataset(ds)
        shown = apply_filters(ds.events, state, ctx.today)
        content = cite_sources(shown, ds, fmt, accessed or date.today().isoformat())
        what = f"the sources of {describe_view(state, len(shown), labels_for(ds, ctx))}"
    if str(out) == "-":
        click.echo(content.decode("utf-8"), nl=False)
        return
    write_atomic(out, content, force=force)
    say(f"wrote {what} to {out}", err=True)


@cli.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--from", "fmt", required=True,
              type=click.Choice(["timelinejs", "timelinejs-sheet", "timemap", "acled", "gdelt", "csv", "xlsx"]),
              help="The format of SOURCE.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="Use COLUMN for our FIELD (repeatable); also dataset_url=URL, dataset_title=…, sheet=NAME.")
@click.option("--dayfirst/--monthfirst", "dayfirst", default=None,
              help="How SOURCE writes a/b/yyyy dates [default: decided from the file, and said in the report].")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for the new data package.")
@FORCE_OPTION
def import_(source: Path, fmt: str, maps: tuple[str, ...], dayfirst: bool | None, out: Path, force: bool) -> None:
    """Convert a TimelineJS, TimeMap, ACLED, GDELT, CSV or XLSX table into a data package and validate it.

    Exit 0 only when every row became an event; 1 when rows were dropped, dates are ambiguous, the
    package has errors or no event; 2 when SOURCE cannot be read."""
    from app.importers import import_source, parse_mapping, write_package
    from app.importers.report import exit_status, full_report

    result = import_source(source, fmt, parse_mapping(maps), dayfirst)
    for line in result.report_lines():
        say(line)
    write_package(result, out, force=force)
    ds = load_package(out)
    problems = full_report(result, ds.problems)
    if problems:
        say()
        say(problem_table(problems))
    say(f"\nwrote {out}: {summary_line(ds)}")
    if not len(ds.events):
        say(f"error: no row of {result.source_name} became an event; the package is empty", err=True)
    else:
        say(f"open it with: python -m app serve --data {out}")
    code = exit_status(result, ds.problems)
    if code:
        sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI and turns every failure into a one-line message."""
    try:
        cli.main(args=argv, prog_name="python -m app", standalone_mode=False)
    except click.exceptions.Abort:
        say("aborted", err=True)
        sys.exit(EXIT_INVALID)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(EXIT_UNREADABLE if isinstance(exc, click.UsageError) else EXIT_INVALID)
    except (DataUnreadableError, SchemaError) as exc:
        say(f"error: {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except UserInputError as exc:
        say(f"error: {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except GeotimelineError as exc:
        say(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence: never show a traceback
        say(f"internal error: {type(exc).__name__}: {exc} — please report this", err=True)
        sys.exit(70)

