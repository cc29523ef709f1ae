"""The course website (`make book`), read as a learner reads it: built, served, opened in Chromium.

The site is built into a temporary folder from the stored notebooks (book/build.py), served on
127.0.0.1 and every page of its table of contents is opened in the system's Chromium. Each page
must load nothing but the site's own files (a request to any other address fails the test), have
no broken internal link or source, show every stored image output as an image that loaded, leave
no raw ``$$`` in its text and weigh at most 5 MB with everything it loads; lessons 01 and 02 must
show rendered equations. Screenshots of two pages go to tests/browser/artifacts/.

``LSTM_COURSE_BOOK_SITE=/path/to/site`` tests a site built beforehand (e.g. by `make book`)
instead of building one; the build's own test is then skipped.
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib.util
import ipaddress
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lab_browser import ROOT, free_port

_spec = importlib.util.spec_from_file_location("book_build", ROOT / "book" / "build.py")
book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(book)

SITE_ENV = "LSTM_COURSE_BOOK_SITE"
BUILD_CPU_BUDGET = 60.0  # seconds of CPU (all processes of the build), on 2 cores
PAGE_BUDGET = 5 * 1024 * 1024  # bytes: a page with everything it loads
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
#: Lessons whose pages must show at least one rendered equation.
WITH_EQUATIONS = ("01", "02")
#: The pages of which a screenshot is kept (an equation, a plot).
SCREENSHOTS = {"01": "mjx-container", "03": ".cell_output img"}

LESSONS = book.lessons()
PAGES = ["index"] + [
    page
    for name in LESSONS
    for page in (f"notebooks/{name}", f"exercises/{book.exercise_of(name)}")
    if not page.endswith("/None")
]

# What a page shows, read in one go once MathJax has finished.
READ_PAGE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;  // MathJax's fonts, loaded once it typeset
  const text = document.body.cloneNode(true);
  text.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
  return {
    links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
    sources: Array.from(document.querySelectorAll('[src], link[href]'),
                        e => e.src || e.href),
    images: Array.from(document.querySelectorAll('img'), img => ({
      src: img.currentSrc || img.src, loaded: img.complete && img.naturalWidth > 0,
      output: img.closest('.cell_output') !== null})),
    equations: document.querySelectorAll('mjx-container').length,
    text: text.textContent,
    visible: document.body.innerText,
    title: document.title,
  };
}"""


# --- the parts that need no browser (fast tier) -------------------------------------------------


def test_the_landing_page_is_the_readme_syllabus_with_links():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    page = book.landing_page(readme, LESSONS)
    assert page.startswith(readme.splitlines()[0])
    assert "## Syllabus" in page and "make lab" in page
    for name in LESSONS:
        assert f"[`{name}`](notebooks/{name}.ipynb)" in page
    with pytest.raises(ValueError, match="no row for lesson 08_new"):
        book.landing_page(readme, [*LESSONS, "08_new"])
    with pytest.raises(ValueError, match="no '## Syllabus' section"):
        book.landing_page("# t\n\ntext\n", LESSONS)


def test_the_table_of_contents_is_in_lesson_order_without_solutions():
    toc = book.table_of_contents(LESSONS)
    files = re.findall(r"file: (\S+)", toc)
    assert files[0] == "notebooks/00_setup_and_tour"
    lessons = [f.split("/")[1] for f in files if f.startswith("notebooks/")]
    assert lessons == sorted(lessons) == LESSONS
    for name in LESSONS[1:]:  # each exercise set right after its lesson
        assert files[files.index(f"notebooks/{name}") + 1] == f"exercises/{name}_exercises"
    assert "solutions" not in toc


def test_the_added_note_says_how_to_run_and_links_the_exercises():
    note = book.lesson_note("03_sine_forecasting", "03_sine_forecasting_exercises")
    assert "make lab" in note
    assert "(../exercises/03_sine_forecasting_exercises.ipynb)" in note
    assert "Exercises" not in book.lesson_note("00_setup_and_tour", None)
    assert "make lab" in book.exercise_note("03_x", "03_x_exercises")
    with pytest.raises(ValueError, match="Markdown title cell"):
        book.with_note({"cells": [{"cell_type": "code", "source": ""}]}, note)


def test_bad_lesson_names_and_folders_are_refused(tmp_path):
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(ValueError, match="no lesson notebook"):
        book.lessons(tmp_path)
    (tmp_path / "notebooks" / "Lesson 1.ipynb").write_text("{}")
    with pytest.raises(ValueError, match=r"NN_topic\.ipynb"):
        book.lessons(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="holds no earlier site"):
        book.build(tmp_path / "out")
    assert (tmp_path / "out" / "precious.txt").exists()


def test_the_build_scripts_examples_run():
    import doctest

    result = doctest.testmod(book, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 5 and result.failed == 0


# --- the site in Chromium (browser tier) ---------------------------------------------------------


@pytest.fixture(scope="module")
def build_run(chromium, tmp_path_factory) -> dict:
    """The site, built into a temporary folder (or the one named by LSTM_COURSE_BOOK_SITE)."""
    given = os.environ.get(SITE_ENV, "").strip()
    if given:
        return {"site": Path(given).resolve(), "cpu": None, "wall": None, "output": ""}
    site = tmp_path_factory.mktemp("book") / "site"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "book" / "build.py"), "--out", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"site": site, "cpu": cpu, "wall": wall, "output": done.stdout + done.stderr}


@pytest.fixture(scope="module")
def site(build_run) -> Path:
    return build_run["site"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # silent: pytest shows failures
        pass


@pytest.fixture(scope="module")
def server(site):
    """The site served on 127.0.0.1 and a free port by a thread of this process."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _local_file(site: Path, base: str, url: str) -> Path | None:
    """The file of the site a same-origin URL names, or None for a URL of another origin."""
    if not url.startswith(base + "/"):
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    target = site / path
    return target / "index.html" if target.is_dir() or not path else target


@functools.cache
def _ids(html_file: Path) -> frozenset[str]:
    text = html_file.read_text(encoding="utf-8", errors="replace")
    return frozenset(re.findall(r'\sid="([^"]+)"', text))


def _stored_images(page: str) -> int:
    """How many image outputs the page's notebook was stored with (the index has none)."""
    path = ROOT / f"{page}.ipynb"
    if not path.exists():
        return 0
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(
        any(mime in output.get("data", {}) for mime in IMAGE_MIMES)
        for cell in cells
        for output in cell.get("outputs", [])
    )


@pytest.mark.browser
@pytest.mark.notebooks
def test_the_build_is_within_budget(build_run):
    if build_run["cpu"] is None:
        pytest.skip(f"{SITE_ENV} names a site built beforehand")
    print(f"book build: {build_run['cpu']:.1f} s CPU, {build_run['wall']:.1f} s wall")
    assert build_run["cpu"] <= BUILD_CPU_BUDGET, build_run
    assert not build_run["output"].count("WARNING"), build_run["output"]


@pytest.mark.browser
@pytest.mark.notebooks
def test_no_solution_is_published(site):
    published = [p.relative_to(site) for p in site.rglob("*") if "solution" in p.name.lower()]
    assert published == []
    # No line of solution code (between the BEGIN/END SOLUTION markers of solutions/, long
    # enough to be distinctive) appears in the text of any page or downloadable file.
    secret = set()
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            inside = False
            for line in "".join(cell["source"]).splitlines():
                if re.match(r"\s*# (BEGIN|END) SOLUTION", line):
                    inside = line.strip().startswith("# BEGIN")
                elif inside and len(line.strip()) >= 30:
                    secret.add(line.strip())
    assert len(secret) > 20, "the solutions' markers were not found"
    for folder in ("notebooks", "exercises"):  # what the published notebooks show anyway
        for path in (ROOT / folder).glob("*.ipynb"):
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                secret -= {line.strip() for line in "".join(cell["source"]).splitlines()}
    assert len(secret) > 20, "nearly every solution line is also in a lesson or exercise"
    for file in site.rglob("*"):
        if file.suffix not in (".html", ".ipynb", ".md", ".txt"):
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        if file.suffix == ".html":
            text = html.unescape(re.sub(r"<[^>]+>", "", text))
        elif file.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        leaked = sorted(secret & {line.strip() for line in text.splitlines()})
        assert leaked == [], f"{file.relative_to(site)} shows solution code"


@pytest.mark.browser
@pytest.mark.notebooks
def test_the_navigation_lists_the_lessons_in_order(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server}/index.html")
        links = page.eval_on_selector_all(
            "nav.bd-docs-nav a.reference.internal", "els => els.map(a => a.href)"
        )
    finally:
        page.close()
    lessons = [re.search(r"notebooks/(\d\d_[a-z0-9_]+)\.html", u) for u in links]
    assert [m[1] for m in lessons if m] == LESSONS


@pytest.mark.browser
@pytest.mark.notebooks
@pytest.mark.parametrize("page_name", PAGES)
def test_a_page_reads_offline_with_its_links_images_and_equations(
    browser, server, site, artifacts, page_name
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    remote: list[str] = []
    loaded: set[str] = set()
    failed: list[str] = []

    def guard(route):
        if _is_loopback(route.request.url):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    context.route(re.compile(r"^(https?|wss?)://"), guard)
    page = context.new_page()
    page.on("requestfinished", lambda request: loaded.add(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and failed.append(f"{response.status} {response.url}")
        ),
    )
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    try:
        response = page.goto(f"{server}/{page_name}.html", wait_until="load")
        assert response is not None and response.ok, f"{page_name}.html did not load"
        shown = page.evaluate(READ_PAGE)
        lesson = re.match(r"notebooks/(\d\d)_", page_name)
        if lesson and lesson[1] in SCREENSHOTS:
            target = page.locator(SCREENSHOTS[lesson[1]]).first
            if target.count():  # (when it is missing, the asserts below say so)
                target.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / f"book_{Path(page_name).name}.png"))
    finally:
        context.close()

    assert remote == [], f"{page_name}: requests to non-loopback addresses"
    assert failed == [], f"{page_name}: requests that failed"

    broken = []
    here = site / f"{page_name}.html"
    for url in {*shown["links"], *shown["sources"]}:
        target = _local_file(site, server, url)
        if target is None:
            continue  # a link to another site: never requested by the page, not checked
        if not target.is_file():
            broken.append(url)
            continue
        anchor = unquote(urlsplit(url).fragment)
        if anchor and target.suffix == ".html" and anchor not in _ids(target):
            broken.append(url)
    assert broken == [], f"{page_name}: broken internal links or sources"
    assert here.is_file()

    outputs = [image for image in shown["images"] if image["output"]]
    assert len(outputs) == _stored_images(page_name), f"{page_name}: image outputs shown"
    not_loaded = [image["src"] for image in shown["images"] if not image["loaded"]]
    assert not_loaded == [], f"{page_name}: images that did not load"

    if lesson and lesson[1] in WITH_EQUATIONS:
        assert shown["equations"] >= 1, f"{page_name}: no rendered equation"
    assert "$$" not in shown["text"], f"{page_name}: raw $$ left in the text"

    weight = sum(
        file.stat().st_size
        for file in {_local_file(site, server, url) for url in loaded}
        if file is not None and file.is_file()
    )
    assert weight <= PAGE_BUDGET, f"{page_name}: {weight / 1e6:.1f} MB with what it loads"
    if page_name.startswith("notebooks/") and page_name != "notebooks/00_setup_and_tour":
        name = page_name.split("/")[1]
        assert f"exercises/{name}_exercises.html" in " ".join(shown["links"])
    if page_name != "index":
        assert "make lab" in shown["visible"], f"{page_name}: does not say how to run it"
