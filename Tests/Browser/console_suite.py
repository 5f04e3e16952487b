#!/usr/bin/env python3
"""The admin console in a real browser (issue 15): headless Chromium through chromedriver.

Starts a real `careflow serve` on a free loopback port with a fresh data folder and the demo
tenants, then walks the console as a person would: the demo group admin signs in and enrols
TOTP, signs in again with a code, onboards a facility, invites a member, changes the member's
roles, reads the audit viewer, the integrations page and the dashboard; the invited member
accepts the emailed link; the demo facility admin signs in and finds no control for a role it
may not grant. Every page is saved as a screenshot at 1280 and at 390 px wide, checked for
horizontal overflow at 390 px and for Content-Security-Policy violations in the browser log.

A step whose page does not exist yet (404) is skipped with its reason; anything else that goes
wrong fails the run (exit 1). Exit 3: selenium, chromium or chromedriver is missing.

    python3 Tests/Browser/console_suite.py [--binary .build/debug/careflow] [--output Tests/Browser/output]
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TENANT = "kigali-health"
WAIT = 20            # seconds: the longest any single wait may take
SUITE_LIMIT = 300    # seconds: the whole run, server start included
WIDTHS = [(1280, 900, False), (390, 844, True)]
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class Skip(Exception):
    """A step whose page is not there (404): reported, not failed."""


class SuiteTimeout(Exception):
    pass


# MARK: - TOTP (RFC 6238: HMAC-SHA1, 30-s steps, 6 digits), the authenticator app's part

class Authenticator:
    """Codes for the secrets it was given. The server accepts a step once per account (and one
    step either side of now), so each code uses the next unused step, waiting when needed."""

    def __init__(self):
        self.secrets = {}
        self.last_step = {}

    def add(self, email, secret):
        cleaned = re.sub(r"[\s-]", "", secret).upper()
        base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))  # a malformed secret fails here
        self.secrets[email] = cleaned

    @staticmethod
    def code_at(secret, step):
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
        offset = digest[-1] & 0x0F
        value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
        return "%06d" % (value % 1_000_000)

    def code(self, email):
        now = int(time.time()) // 30
        step = max(now, self.last_step.get(email, now - 1) + 1)
        while step > int(time.time()) // 30 + 1:
            time.sleep(1)
        self.last_step[email] = step
        return self.code_at(self.secrets[email], step)


# MARK: - The server under test

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, data_dir, output, database_url=None, schema=None):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.data_dir = data_dir
        env = dict(os.environ)
        # Never the caller's database or master keys: a fresh data folder (or the schema the
        # caller prepared) and the demo master key that serve writes into that folder.
        for name in ["DATABASE_URL", "CAREFLOW_DATABASE_SCHEMA", "CAREFLOW_MASTER_KEYS"]:
            env.pop(name, None)
        if database_url:
            env["DATABASE_URL"] = database_url
            if schema:
                env["CAREFLOW_DATABASE_SCHEMA"] = schema
        env.update({
            "CAREFLOW_DATA_DIR": data_dir,
            "CAREFLOW_PUBLIC_URL": self.base,
            "CAREFLOW_TENANTS_DIR": os.path.join(REPO, "tenants"),
            "CAREFLOW_MODELS_DIR": os.path.join(REPO, "Models"),
            "CAREFLOW_DATASETS_DIR": os.path.join(REPO, "Resources", "datasets"),
            "CAREFLOW_RESOURCES_DIR": os.path.join(REPO, "Resources"),
            "LOG_LEVEL": "warning",
            # bcrypt's minimum cost, as the other tests use: at production's 12 a debug build
            # on a loaded machine spent a minute hashing the demo accounts before listening.
            "CAREFLOW_BCRYPT_COST": "4",
        })
        self.log_path = os.path.join(output, "server.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                        env=env, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)

    def wait_ready(self, limit=150):
        deadline = time.time() + limit
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("careflow serve exited with %s; see %s" % (self.process.returncode, self.log_path))
            try:
                with urllib.request.urlopen(self.base + "/console/sign-in", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError("careflow serve did not answer within %d s" % limit)

    def credentials(self):
        """Demo accounts by role for the tenant, from the file the first serve writes."""
        path = os.path.join(self.data_dir, "demo-credentials.txt")
        accounts = {}
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                tenant, role, email, password = line.rstrip("\n").split("\t")
                if tenant == TENANT:
                    accounts[role] = (email, password)
        return accounts

    def emails_to(self, address):
        """Emails the console adapter recorded for an address, oldest first."""
        path = os.path.join(self.data_dir, "console", TENANT + ".jsonl")
        found = []
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    if entry.get("capability") == "email" and entry.get("to", "").lower() == address.lower():
                        found.append(entry)
        return found

    def api(self, method, path, body=None, token=None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("content-type", "application/json")
        if token:
            request.add_header("authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=WAIT) as answer:
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# MARK: - The browser

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Console:
    """One headless Chromium with helpers for the console's pages."""

    def __init__(self, base, output):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        self.base = base
        self.output = output
        self.shots = 0
        self.csp_violations = []
        self.other_errors = []
        self.profile = tempfile.mkdtemp(prefix="careflow-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--user-data-dir=" + self.profile, "--no-first-run",
                     "--disable-extensions", "--password-store=basic"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(WAIT)
        self.driver.set_script_timeout(WAIT)

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # Navigation

    def path(self):
        from urllib.parse import urlparse
        return urlparse(self.driver.current_url).path

    def query(self):
        from urllib.parse import urlparse
        return urlparse(self.driver.current_url).query

    def go(self, path):
        self.driver.get(self.base + path)
        self.settle()

    def settle(self):
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait
        # While a document is being replaced chromedriver can answer a script with an inspector
        # error ("Node with given id does not belong to the document"): ask again.
        WebDriverWait(self.driver, WAIT, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
        self.collect_log()

    def status(self, path, with_cookies=True):
        """The HTTP status the server answers for a GET of path, with the browser's cookies
        (WebDriver sees HttpOnly cookies too), redirects not followed."""
        request = urllib.request.Request(self.base + path)
        if with_cookies:
            cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in self.driver.get_cookies())
            if cookies:
                request.add_header("cookie", cookies)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=WAIT) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    def require_page(self, path, what):
        code = self.status(path)
        if code == 404:
            raise Skip("%s (%s) answers 404: the page is not built yet" % (what, path.split("?")[0]))
        return code

    # Elements

    def find(self, css, within=None):
        from selenium.webdriver.common.by import By
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def one(self, *selectors, within=None, what="element"):
        for css in selectors:
            found = self.find(css, within)
            if found:
                return found[0]
        raise AssertionError("no %s on %s (looked for %s)" % (what, self.path(), ", ".join(selectors)))

    def text(self):
        return self.one("body").text

    def notice(self):
        found = self.find("#notice")
        return (found[0].get_attribute("class") or "", found[0].text) if found else ("", "")

    def expect_success(self, action):
        kind, text = self.notice()
        if "notice-success" not in kind:
            raise AssertionError("%s: expected a success notice on %s, got %r %r" % (action, self.path(), kind, text))
        return text

    def fill(self, form, name, value):
        """Types into (or selects in) the form's field called name; False when there is none."""
        from selenium.webdriver.support.ui import Select
        fields = self.find('[name="%s"]' % name, form)
        if not fields:
            return False
        field = fields[0]
        if field.tag_name == "select":
            choice = Select(field)
            try:
                choice.select_by_value(value)
            except Exception:
                choice.select_by_visible_text(value)
        else:
            field.clear()
            field.send_keys(value)
        return True

    def role_boxes(self, within=None):
        """Role checkboxes by role: `name="roles" value="nurse"`, or one field per role
        (`name="role_nurse"`), which is how the staff page posts them."""
        boxes = {}
        for box in self.find('input[type="checkbox"]', within):
            name, value = box.get_attribute("name") or "", box.get_attribute("value") or ""
            if name == "roles":
                boxes[value] = box
            elif name.startswith("role_"):
                boxes[name[len("role_"):]] = box
        return boxes

    def set_role(self, within, role, checked):
        box = self.role_boxes(within).get(role)
        if box is None:
            raise AssertionError("no checkbox for the role %s on %s" % (role, self.path()))
        if box.is_selected() != checked:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
            box.click()

    def submit(self, form):
        """Submits with the form's own button (as a person would) and waits for the next page."""
        from selenium.webdriver.support.ui import WebDriverWait
        page = self.one("html")
        button = self.one('button[type="submit"]', "button:not([type])", 'input[type="submit"]', within=form,
                          what="submit button")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        WebDriverWait(self.driver, WAIT).until(lambda d: self.replaced(page))
        self.settle()

    @staticmethod
    def replaced(element):
        """True once element's document is gone. Selenium's staleness_of only knows the stale-element
        error; mid-navigation chromedriver may instead answer with an inspector error about a node
        that no longer belongs to the document, which means the same."""
        from selenium.common.exceptions import WebDriverException
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    # Screenshots, layout, console log

    def collect_log(self):
        for entry in self.driver.get_log("browser"):
            if entry.get("level") != "SEVERE":
                continue
            message = entry.get("message", "")
            if "Content Security Policy" in message or "Refused to" in message:
                self.csp_violations.append("%s: %s" % (self.path(), message))
            elif "favicon.ico" not in message:
                self.other_errors.append("%s: %s" % (self.path(), message))

    def capture(self, page):
        """Screenshots of the current page at each width; at 390 px nothing may stick out sideways."""
        self.shots += 1
        for width, height, mobile in WIDTHS:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            self.driver.execute_script("window.scrollTo(0, 0)")
            time.sleep(0.2)
            # The layout viewport's width (clientWidth), not window.innerWidth: in mobile
            # emulation a page wider than the screen is zoomed out and innerWidth grows with it.
            metrics = self.driver.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                " Math.ceil(document.documentElement.scrollHeight)]")
            scroll_width, inner_width, full_height = metrics
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": max(height, min(full_height, 16000)), "scale": 1}})
            name = "%02d-%s-%d.png" % (self.shots, page, width)
            with open(os.path.join(self.output, name), "wb") as handle:
                handle.write(base64.b64decode(shot["data"]))
            if width == 390 and (scroll_width > inner_width or inner_width > width):
                wide = self.driver.execute_script(
                    "return Array.from(document.querySelectorAll('body *')).filter(e =>"
                    " e.getBoundingClientRect().right > %d + 1).slice(0, 5)" % width +
                    ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +"
                    " (e.className && e.className.baseVal === undefined ? '.' + e.className : ''))")
                raise AssertionError("%s overflows at 390 px: scrollWidth %d > %d (%s)"
                                     % (page, scroll_width, inner_width, ", ".join(wide)))
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.collect_log()
        print("  screenshot %02d-%s (1280, 390)" % (self.shots, page), flush=True)


# MARK: - The walk

class Walk:
    def __init__(self, server, console):
        self.server = server
        self.c = console
        self.auth = Authenticator()
        self.accounts = server.credentials()
        self.results = []
        self.facility_id = None
        self.home_facility_id = None
        self.member_email = None
        self.member_password = None
        self.ran = set()

    def step(self, name, function, needs=()):
        missing = [n for n in needs if n not in self.ran]
        if missing:
            self.results.append((name, "skipped", "needs " + ", ".join(missing)))
            print("SKIP %s: needs %s" % (name, ", ".join(missing)), flush=True)
            return
        print("STEP %s" % name, flush=True)
        started = time.time()
        try:
            note = function()
        except Skip as reason:
            self.results.append((name, "skipped", str(reason)))
            print("SKIP %s: %s" % (name, reason), flush=True)
            return
        self.ran.add(name)
        self.results.append((name, "ran", (note or "") + " (%.1f s)" % (time.time() - started)))
        print("  ok %s" % (note or ""), flush=True)

    # Signing in

    def password_step(self, role):
        email, password = self.accounts[role]
        self.c.go("/console/sign-in")
        form = self.c.one("#sign-in-form", what="sign-in form")
        self.c.fill(form, "tenant", TENANT)
        self.c.fill(form, "email", email)
        self.c.fill(form, "password", password)
        self.c.submit(form)
        return email

    def code_step(self, email):
        if self.c.path() != "/console/sign-in/code":
            raise AssertionError("%s: expected the code page after the password, got %s (%s)"
                                 % (email, self.c.path(), self.c.notice()[1]))
        form = self.c.one("#code-form", what="code form")
        self.c.fill(form, "code", self.auth.code(email))
        self.c.submit(form)
        if self.c.path() != "/console":
            raise AssertionError("%s: the code did not sign in: %s %s" % (email, self.c.path(), self.c.notice()))
        shown = self.c.one("#signed-in-email", what="signed-in email").text
        if shown.lower() != email.lower():
            raise AssertionError("home page shows %r, expected %r" % (shown, email))

    def enrol(self, role, page_name):
        """First sign-in of a role that must use TOTP: the enrolment page (QR code, secret as
        text, a first code, recovery codes once). Through the API when the page is missing."""
        email = self.password_step(role)
        if self.c.path() != "/console/mfa/enrol":
            raise AssertionError("%s without TOTP: expected the enrolment page, got %s" % (email, self.c.path()))
        if self.c.status("/console/mfa/enrol") == 404:
            self.enrol_through_api(role)
            self.c.driver.delete_all_cookies()
            raise Skip("enrolment page /console/mfa/enrol answers 404: enrolled through the API instead")
        self.c.capture(page_name)
        qr = self.c.find("#qr svg, .qr svg")
        if not qr:
            raise AssertionError("the enrolment page has no inline SVG QR code")
        secret = self.c.one("#secret", ".secret", what="secret shown as text").text
        self.auth.add(email, secret)
        form = self.c.one("#enrol-form", 'form[action^="/console/mfa/enrol"]', what="enrolment form")
        self.c.fill(form, "code", self.auth.code(email))
        self.c.submit(form)
        codes = self.c.find("#recovery-codes li, .codes li")
        if len(codes) < 8:
            raise AssertionError("expected the recovery codes after enrolment, found %d on %s (%s)"
                                 % (len(codes), self.c.path(), self.c.notice()[1]))
        self.c.capture(page_name + "-recovery-codes")
        onward = self.c.find("#continue")
        if onward:
            onward[0].click()
            self.c.settle()
        # Wherever the page leads, the next sign-in starts afresh.
        self.c.driver.delete_all_cookies()
        return "QR code, secret, %d recovery codes" % len(codes)

    def enrol_through_api(self, role):
        email, password = self.accounts[role]
        status, tokens = self.server.api("POST", "/api/v1/auth/login",
                                         {"tenant": TENANT, "email": email, "password": password})
        assert status == 200 and "access_token" in tokens, "API login for enrolment: %s %s" % (status, tokens)
        status, started = self.server.api("POST", "/api/v1/me/mfa/totp", token=tokens["access_token"])
        assert status in (200, 201), "start TOTP enrolment: %s %s" % (status, started)
        self.auth.add(email, started["secret"])
        status, confirmed = self.server.api("POST", "/api/v1/me/mfa/totp/confirm", {"code": self.auth.code(email)},
                                            token=tokens["access_token"])
        assert status == 200 and len(confirmed.get("recovery_codes", [])) >= 8, "confirm TOTP: %s %s" % (status, confirmed)

    def sign_in(self, role):
        email = self.password_step(role)
        self.code_step(email)
        return email

    def sign_out(self):
        button = self.c.find("#sign-out")
        if button:
            form = self.c.one("form.signout")
            self.c.submit(form)
            if self.c.path() != "/console/sign-in":
                raise AssertionError("sign-out ended on %s" % self.c.path())
        self.c.driver.delete_all_cookies()

    # The group admin's pages

    def sign_in_page(self):
        self.c.go("/console/sign-in")
        self.c.one("#sign-in-form", what="sign-in form")
        self.c.capture("sign-in")
        # A wrong password is refused plainly, on the same page.
        form = self.c.one("#sign-in-form")
        self.c.fill(form, "tenant", TENANT)
        self.c.fill(form, "email", self.accounts["group_admin"][0])
        self.c.fill(form, "password", "not-the-password-at-all")
        self.c.submit(form)
        kind, text = self.c.notice()
        if "notice-error" not in kind or self.c.path() != "/console/sign-in":
            raise AssertionError("a wrong password: expected an error on the sign-in page, got %s %r" % (self.c.path(), text))
        self.c.capture("sign-in-refused")

    def group_admin_enrols(self):
        try:
            return self.enrol("group_admin", "mfa-enrol")
        finally:
            # Enrolled either way (the API stands in for a missing page): later steps go on.
            if self.accounts["group_admin"][0] in self.auth.secrets:
                self.ran.add("group admin has TOTP")

    def group_admin_signs_in(self):
        self.password_step("group_admin")
        self.c.capture("sign-in-code")
        self.code_step(self.accounts["group_admin"][0])
        self.c.capture("home")
        menu = [a.text for a in self.c.find("nav.menu a")]
        return "menu: " + ", ".join(menu)

    def facilities(self):
        self.c.require_page("/console/facilities", "facilities page")
        self.c.go("/console/facilities")
        listed = self.c.one("#facility-list", "table", what="facility list")
        if "kigali-central" not in listed.text and "Kigali Central" not in listed.text:
            raise AssertionError("the facility list does not show the demo facility Kigali Central")
        self.c.capture("facilities")
        # The demo facility's id, for the facility admin later.
        self.home_facility_id = self.facility_id_in_row("kigali-central")
        code = "browser-" + secrets.token_hex(3)
        name = "Browser Test Clinic " + code[-6:]
        form = self.c.one("#onboard-facility-form", 'form[action="/console/facilities"]', what="onboarding form")
        self.c.fill(form, "name", name)
        self.c.fill(form, "code", code)
        self.c.fill(form, "timezone", "Africa/Kigali")
        for field in self.c.find("input, textarea", form):
            field_name = field.get_attribute("name") or ""
            if "address" in field_name:
                field.clear()
                field.send_keys("KG 7 Ave 12, Kigali")
        self.c.submit(form)
        self.c.expect_success("onboarding")
        if code not in self.c.text():
            raise AssertionError("the new facility %s is not listed after onboarding" % code)
        self.facility_id = self.facility_id_in_row(code)
        return "onboarded %s" % code

    def facility_id_in_row(self, code):
        """The id in the staff link of the row (or list item) naming a facility code."""
        rows = self.c.find("#facility-row-" + code) or [
            r for r in self.c.find("#facility-list tr, table tr") if code in r.text]
        for row in rows:
            for link in self.c.find("a[href]", row):
                found = re.search(r"/console/facilities/(%s)" % UUID, link.get_attribute("href") or "")
                if found:
                    return found.group(1)
        return None

    def staff_path(self, facility_id):
        return "/console/facilities/%s/staff" % facility_id

    def invite(self):
        if not self.facility_id:
            raise AssertionError("no link to the new facility's staff page in the facility list")
        path = self.staff_path(self.facility_id)
        self.c.require_page(path, "staff page")
        self.c.go(path)
        form = self.c.one("#invite-form", "#invite-staff-form", 'form[action$="/staff"]', what="invitation form")
        # A group admin may grant facility_admin and the care roles, never group_admin.
        values = set(self.c.role_boxes(form))
        if "facility_admin" not in values or "nurse" not in values:
            raise AssertionError("a group admin's invitation form offers %s" % sorted(values))
        if "group_admin" in values or "platform_admin" in values:
            raise AssertionError("a group admin is offered a role no one may grant here: %s" % sorted(values))
        self.member_email = "browser-%s@kigali-health.example" % secrets.token_hex(3)
        self.c.fill(form, "email", self.member_email)
        self.c.fill(form, "display_name", "Browser Member")
        self.c.set_role(form, "nurse", True)
        self.c.submit(form)
        self.c.expect_success("invitation")
        if self.member_email not in self.c.text():
            raise AssertionError("the invited member is not listed on the staff page")
        self.c.capture("staff")
        return "invited %s as nurse" % self.member_email

    def member_row(self):
        for row in self.c.find("#staff-list tbody tr, #staff-list li, table tbody tr"):
            if (row.get_attribute("data-email") or "").lower() == self.member_email or self.member_email in row.text:
                return row
        raise AssertionError("no row for %s on %s" % (self.member_email, self.c.path()))

    def change_roles(self):
        path = self.staff_path(self.facility_id)
        self.c.go(path)
        row = self.member_row()
        forms = [f for f in self.c.find("form", row) if self.c.role_boxes(f)]
        if not forms:
            # The controls may sit on a page of their own for the member.
            links = [a for a in self.c.find("a[href]", row) if "/staff/" in (a.get_attribute("href") or "")]
            if not links:
                raise AssertionError("no role controls for the member on the staff page")
            links[0].click()
            self.c.settle()
            forms = [f for f in self.c.find("form") if self.c.role_boxes(f)]
            if not forms:
                raise AssertionError("no role form on %s" % self.c.path())
        form = forms[0]
        self.c.set_role(form, "receptionist", True)
        self.c.set_role(form, "nurse", False)
        self.c.submit(form)
        self.c.expect_success("role change")
        self.c.go(path)
        row = self.member_row()
        checked = {role for role, box in self.c.role_boxes(row).items() if box.is_selected()}
        if checked and checked != {"receptionist"}:
            raise AssertionError("after the change the member holds %s, expected receptionist only" % sorted(checked))
        if not checked and ("receptionist" not in row.text.lower() or "nurse" in row.text.lower()):
            raise AssertionError("after the change the member's row reads %r" % row.text)
        self.c.capture("staff-roles-changed")
        return "nurse → receptionist"

    def audit(self):
        self.c.require_page("/console/audit", "audit viewer")
        self.c.go("/console/audit")
        listed = self.c.one("#audit-events", "table", what="audit table").text
        expected = ["auth.login"]
        if "onboard facility" in self.ran:
            expected.append("facility.create")
        if "invite member" in self.ran:
            expected.append("invitation.send")
        if "change roles" in self.ran:
            expected += ["role.grant", "role.revoke"]
        missing = [a for a in expected if a not in listed]
        if missing:
            raise AssertionError("the audit viewer does not show %s" % missing)
        self.c.capture("audit")
        # Filtered by action, only that action is listed.
        form = self.c.one("#audit-filter-form", "form.filters", what="audit filter form")
        self.c.fill(form, "action", "auth.login")
        self.c.submit(form)
        actions = [r.text for r in self.c.find("#audit-events tbody tr .audit-action")] or [
            r.text for r in self.c.find("#audit-events tbody tr, table tbody tr")]
        if not actions or any("auth.login" not in a for a in actions):
            raise AssertionError("filtered by auth.login the viewer lists %r" % actions[:5])
        self.c.capture("audit-filtered")
        # The chain's verification status, verified on request when the page does not on its own.
        verify = self.c.find("#verify-chain")
        if verify:
            verify[0].click()
            self.c.settle()
        chain = self.c.one("#chain-status", what="chain status").text
        if "verified" not in chain.lower():
            raise AssertionError("the audit chain is not shown as verified: %r" % chain)
        return "shows %s; %d auth.login rows when filtered; %s" % (", ".join(expected), len(actions), chain)

    def integrations(self):
        self.c.require_page("/console/integrations", "integrations page")
        self.c.go("/console/integrations")
        text = self.c.text().lower()
        if "email" not in text or "console" not in text:
            raise AssertionError("the integrations page does not list the demo tenant's console email adapter")
        self.c.capture("integrations")

    def dashboard(self):
        self.c.require_page("/console/dashboard", "dashboard")
        self.c.go("/console/dashboard")
        charts = self.c.find("section.chart svg") or self.c.find("main svg")
        if not charts:
            raise AssertionError("the dashboard has no SVG chart")
        self.c.capture("dashboard")
        return "%d SVG charts" % len(charts)

    # The invited member and the facility admin

    def accept_invitation(self):
        self.sign_out()
        emails = self.server.emails_to(self.member_email)
        if not emails:
            raise AssertionError("no email to %s in the console adapter's journal" % self.member_email)
        found = re.search(r"https?://[^\s\"<>]+token=[A-Za-z0-9_\-.~%]+", emails[-1].get("body", ""))
        if not found:
            raise AssertionError("the invitation email has no link with a token")
        link = found.group(0)
        path = link[len(self.server.base):] if link.startswith(self.server.base) else None
        if path is None:
            raise AssertionError("the invitation link %s does not point at this server" % link)
        self.c.require_page(path, "invitation page")
        self.c.go(path)
        self.c.capture("invitation-accept")
        form = self.c.one("#invitation-accept-form", 'form[action^="/console/invitations"]', what="invitation form")
        self.member_password = "browser-" + secrets.token_urlsafe(12)
        for field in self.c.find('input[type="password"]', form):
            field.clear()
            field.send_keys(self.member_password)
        self.c.submit(form)
        kind, text = self.c.notice()
        if "notice-error" in kind or self.c.find("#invitation-accept-form"):
            raise AssertionError("accepting the invitation: still on %s (%s)" % (self.c.path(), text))
        self.c.capture("invitation-accepted")
        # The new password signs the member in (a receptionist: no second factor here).
        self.accounts["member"] = (self.member_email, self.member_password)
        self.password_step("member")
        if self.c.path() != "/console":
            raise AssertionError("the member's first sign-in ended on %s (%s)" % (self.c.path(), self.c.notice()[1]))
        self.c.capture("member-home")
        self.sign_out()
        return "accepted %s" % path.split("?")[0]

    def facility_admin_enrols(self):
        self.sign_out()
        try:
            return self.enrol("facility_admin", "mfa-enrol-facility-admin")
        finally:
            if self.accounts["facility_admin"][0] in self.auth.secrets:
                self.ran.add("facility admin has TOTP")

    def facility_admin_staff(self):
        self.sign_out()
        self.sign_in("facility_admin")
        if not self.home_facility_id:
            raise AssertionError("no staff link for kigali-central in the group admin's facility list")
        path = self.staff_path(self.home_facility_id)
        self.c.require_page(path, "staff page")
        self.c.go(path)
        boxes = set(self.c.role_boxes())
        if "nurse" not in boxes:
            raise AssertionError("a facility admin sees no role controls at all (%s)" % sorted(boxes))
        forbidden = boxes & {"group_admin", "facility_admin", "platform_admin"}
        if forbidden:
            raise AssertionError("a facility admin is offered roles it may not grant: %s" % sorted(forbidden))
        self.c.capture("staff-facility-admin")
        note = "offered %s" % ", ".join(sorted(boxes))
        if self.facility_id:
            other = self.c.status(self.staff_path(self.facility_id))
            if other not in (403, 404):
                raise AssertionError("a facility admin opens another facility's staff page: %d" % other)
            note += "; another facility's staff page answers %d" % other
        return note

    def run(self):
        self.step("sign-in page", self.sign_in_page)
        self.step("group admin enrols TOTP", self.group_admin_enrols)
        self.step("group admin signs in with TOTP", self.group_admin_signs_in, needs=["group admin has TOTP"])
        signed_in = ["group admin signs in with TOTP"]
        self.step("onboard facility", self.facilities, needs=signed_in)
        self.step("invite member", self.invite, needs=signed_in + ["onboard facility"])
        self.step("change roles", self.change_roles, needs=signed_in + ["invite member"])
        self.step("audit viewer", self.audit, needs=signed_in)
        self.step("integrations", self.integrations, needs=signed_in)
        self.step("dashboard", self.dashboard, needs=signed_in)
        self.step("member accepts invitation", self.accept_invitation, needs=["invite member"])
        self.step("facility admin enrols TOTP", self.facility_admin_enrols)
        self.step("facility admin sees only grantable roles", self.facility_admin_staff,
                  needs=["facility admin has TOTP", "onboard facility"])


def dependencies_present():
    missing = [tool for tool in ("chromium", "chromedriver") if not shutil.which(tool)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3 selenium")
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "debug", "careflow"))
    parser.add_argument("--output", default=os.path.join(REPO, "Tests", "Browser", "output"))
    parser.add_argument("--data-dir", help="data folder for serve (default: a fresh temporary one)")
    parser.add_argument("--database-url", help="PostgreSQL URL; the schema must be migrated (default: SQLite in the data folder)")
    parser.add_argument("--schema", help="PostgreSQL schema (CAREFLOW_DATABASE_SCHEMA)")
    parser.add_argument("--check-dependencies", action="store_true", help="exit 3 when a dependency is missing, else 0")
    args = parser.parse_args()

    missing = dependencies_present()
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        sys.exit(3)
    if args.check_dependencies:
        sys.exit(0)
    if not os.access(args.binary, os.X_OK):
        print("%s is missing: run `swift build` first" % args.binary, file=sys.stderr)
        sys.exit(2)

    os.makedirs(args.output, exist_ok=True)
    for old in os.listdir(args.output):
        if old.endswith(".png"):
            os.remove(os.path.join(args.output, old))

    def out_of_time(signum, frame):
        raise SuiteTimeout("the browser suite ran over %d s" % SUITE_LIMIT)
    signal.signal(signal.SIGALRM, out_of_time)
    # Stopped from outside (the Swift test's backstop): still stop the server and the browser.
    signal.signal(signal.SIGTERM, lambda signum, frame: out_of_time(signum, frame))
    signal.alarm(SUITE_LIMIT)

    temporary = None if args.data_dir else tempfile.mkdtemp(prefix="careflow-browser-")
    data_dir = args.data_dir or temporary
    server = console = walk = None
    failure = None
    started = time.time()
    try:
        server = Server(args.binary, data_dir, args.output, args.database_url, args.schema)
        server.wait_ready()
        print("careflow serve on %s (%.1f s to start), data %s" % (server.base, time.time() - started, data_dir), flush=True)
        console = Console(server.base, args.output)
        walk = Walk(server, console)
        walk.run()
        if console.csp_violations:
            raise AssertionError("Content-Security-Policy violations:\n  " + "\n  ".join(console.csp_violations))
    except BaseException as error:  # noqa: BLE001 - reported, then the exit status says it
        failure = error
        if console is not None:
            try:
                with open(os.path.join(args.output, "failure.png"), "wb") as handle:
                    handle.write(console.driver.get_screenshot_as_png())
                print("failed on %s; screenshot failure.png" % console.driver.current_url, file=sys.stderr)
            except Exception:  # noqa: BLE001
                pass
    finally:
        signal.alarm(0)
        if console is not None:
            console.close()
        if server is not None:
            server.stop()
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)

    results = walk.results if walk else []
    summary = {"seconds": round(time.time() - started, 1), "steps": [
        {"step": name, "outcome": outcome, "note": note} for name, outcome, note in results],
        "failure": None if failure is None else "%s: %s" % (type(failure).__name__, failure),
        "other_browser_errors": console.other_errors if console else []}
    with open(os.path.join(args.output, "summary.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2, ensure_ascii=False)
    print("\nBrowser suite (%.0f s):" % (time.time() - started))
    for name, outcome, note in results:
        print("  %-8s %s — %s" % (outcome, name, note))
    if console and console.other_errors:
        print("  browser errors (not CSP): " + "; ".join(console.other_errors[:5]))
    if failure is not None:
        print("FAILED: %s: %s" % (type(failure).__name__, failure), file=sys.stderr)
        sys.exit(1)
    print("passed")


if __name__ == "__main__":
    main()
