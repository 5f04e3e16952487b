#!/usr/bin/env python3
"""Fuzzing from the contract (issue 16): schemathesis against `/openapi.json` of a real server.

Starts `careflow serve` on a free loopback port with a fresh data folder and the demo tenants,
signs in the demo accounts of kigali-health (TOTP enrolled through the API where the tenant
requires it), seeds one real facility, ward, patient, appointment, invoice, claim, note, record,
admission, care-team link, document, shift and exception so that generated requests reach past
404s, then runs `schemathesis run` once per role over the operations that role works with.

Checks (every response of every generated request):
  not_a_server_error          no 5xx
  status_code_conformance     the status is one the document lists for the operation
  content_type_conformance    the Content-Type is the one documented for that status
  response_headers_conformance  documented response headers are present and valid
  response_schema_conformance the body validates against the documented schema
Deliberately not run: the stateful phase and the checks that assume a CRUD shape CareFlow does
not have (see EXCLUDED below, each with its reason).

Exit 0: every check passed on at least MIN_REQUESTS requests. Exit 1: a check failed, too few
requests, or the server did not start. Exit 3: schemathesis is missing.

    python3 Tests/Fuzz/fuzz.py [--binary .build/debug/careflow] [--output Tests/Fuzz/output]
"""
import argparse
import base64
import concurrent.futures
import hashlib
import hmac
import json
import os
import re
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
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TENANT = "kigali-health"
MIN_REQUESTS = 5_000
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance"]
# Checks schemathesis offers that this run does not ask for, and why.
EXCLUDED = {
    "negative_data_rejection": "expects 4xx for any schema-violating input, including extra JSON properties the "
                               "document does not forbid on every body and query strings the server ignores; "
                               "the per-field validation is covered by RequestBodyTests/BadInputTests",
    "positive_data_acceptance": "expects 2xx for any schema-valid input, but valid-looking ids that do not exist "
                                "rightly answer 404 and state rules (a finalized invoice, a taken slot) 409/422",
    "use_after_free / ensure_resource_availability": "stateful CRUD heuristics (POST then GET the Location); "
                                                      "CareFlow's writes are not all creates of a GET-able path",
    "ignored_auth / object_level_authorization": "authorization is specified by RBACTests and IsolationTests "
                                                  "per role and tenant, which these generic checks cannot know",
    "coverage phase": "its deterministic boundary and negative cases come to about 150 requests per operation "
                      "(some 20,000 per role), past the time CI has; the fuzzing phase generates both valid "
                      "and invalid input (mode all) within --max-examples per operation",
    "stateful phase": "needs OpenAPI links between operations, which the document does not declare; the "
                      "seeded ids stand in for them",
    "several workers": "schemathesis 4.32.5 on Python 3.11 fails now and then with workers > 1 (a KeyError and "
                       "'AST constructor recursion depth mismatch' inside its own generator, a thread-safety "
                       "fault of the tool, not a finding); every run sends one request at a time",
    "missing_required_header / unsupported_method / allow_header_conformance":
        "Vapor answers an unknown method with 404, not 405 with Allow; not part of the documented contract",
}

# Which operations each role fuzzes (regular expressions over the path). The public routes
# (sign-in, webhooks, probes) go once without a token: fuzzed with one, `POST /auth/logout`
# ends the very session the rest of the run uses. The group admin goes last and over
# everything: its writes (role changes, MFA resets, deletions) would otherwise disturb the
# roles fuzzed after it.
PUBLIC = r"^/api/v1/auth/|^/webhooks/|^/(health|ready|metrics|docs|openapi\.json|\.well-known/)"
# The caller's own credentials: five wrong current passwords or codes lock the account and end
# its sessions, as they should against a stolen token. One role nobody else fuzzes as, the
# receptionist, takes them last, so the lockout cannot turn other runs into 401s.
ACCOUNT = r"^/api/v1/me/(password|mfa/|sessions/)"
ROLE_PLAN = [
    ("anonymous", PUBLIC),
    ("patient", r"^/api/"),
    ("nurse", r"^/api/v1/(patients|admissions|me|steps|facilities/[^/]+/(wards|shifts|coverage))"),
    ("doctor", r"^/api/v1/(patients|appointments|doctors|me|steps|predict)|^/api/(patients|predict)"),
    ("billing", r"^/api/v1/(invoices|claims|exports|analytics)"),
    ("facility_admin", r"^/api/v1/(facilities|doctors|analytics|outbox|integrations|audit-events)"),
    ("group_admin", r"^/api/"),
    ("receptionist", ACCOUNT),
]
# The runs in order: each stage waits for the one before; the lanes of a stage run at once.
# Only roles that change no account, role or session share a stage (the patient's, nurse's,
# doctor's and billing's writes are clinical and financial), so no run can turn another's
# requests into 401s; the public routes go first and alone (their sign-in throttling is per
# client address, and every role's run starts with a token refresh), and the facility admin,
# the group admin and the receptionist keep their order at the end. Two lanes, one per core:
# one role after another took 3.5 minutes, the last of the whole test suite.
STAGES = [
    [["anonymous"]],
    [["patient"], ["nurse", "doctor", "billing"]],
    [["facility_admin"]],
    [["group_admin"]],
    [["receptionist"]],
]
assert sorted(role for stage in STAGES for lane in stage for role in lane) == sorted(role for role, _ in ROLE_PLAN)
ROLE_SHARE = {"anonymous": 1.0, "patient": 0.5, "group_admin": 0.8, "receptionist": 1.0}  # of --max-examples; others 0.5


class Authenticator:
    """TOTP codes (RFC 6238: HMAC-SHA1, 30-s steps, 6 digits). The server accepts a step once
    per account and one step either side of now, so each code uses the next unused step."""

    def __init__(self):
        self.secrets = {}
        self.last_step = {}

    def add(self, email, secret):
        self.secrets[email] = re.sub(r"[\s-]", "", secret).upper()

    def code(self, email):
        secret = self.secrets[email]
        now = int(time.time()) // 30
        step = max(now, self.last_step.get(email, now - 1) + 1)
        while step > int(time.time()) // 30 + 1:
            time.sleep(1)
        self.last_step[email] = step
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
        offset = digest[-1] & 0x0F
        value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
        return "%06d" % (value % 1_000_000)


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
            "LOG_LEVEL": os.environ.get("CAREFLOW_FUZZ_LOG_LEVEL", "warning"),
            "CAREFLOW_BCRYPT_COST": "4",
            # Generated logins would otherwise spend the sign-in budget in seconds and turn
            # the rest of the run into 429s; throttling has its own tests (ThrottleTests).
            "CAREFLOW_AUTH_RATE_LIMIT": "100000",
            "CAREFLOW_PREDICT_RATE_LIMIT": "100000",
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
                with urllib.request.urlopen(self.base + "/health", timeout=5) as answer:
                    if answer.status == 200 and os.path.exists(os.path.join(self.data_dir, "demo-credentials.txt")):
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError("careflow serve did not answer within %d s" % limit)

    def credentials(self):
        accounts = {}
        with open(os.path.join(self.data_dir, "demo-credentials.txt"), encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                tenant, role, email, password = line.rstrip("\n").split("\t")
                if tenant == TENANT:
                    accounts[role] = (email, password)
        return accounts

    def api(self, method, path, body=None, token=None, raw=None, content_type="application/json"):
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, method=method, data=data)
        request.add_header("content-type", content_type)
        if token:
            request.add_header("authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text or b"{}")
            except ValueError:
                return error.code, {"raw": text[:200].decode(errors="replace")}

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Setup:
    """Tokens per role and real ids to aim generated requests at."""

    def __init__(self, server):
        self.server = server
        self.auth = Authenticator()
        self.accounts = server.credentials()
        self.tokens = {}
        self.refresh_tokens = {}
        self.seeds = {}

    def sign_in(self, role):
        email, password = self.accounts[role]
        status, answer = self.server.api("POST", "/api/v1/auth/login",
                                         {"tenant": TENANT, "email": email, "password": password})
        assert status == 200, "login %s: %s %s" % (role, status, answer)
        if "access_token" in answer:
            claims = json.loads(base64.urlsafe_b64decode(answer["access_token"].split(".")[1] + "=="))
            if claims.get("scope") != "mfa_enrolment":
                return answer
            # The role requires TOTP: enrol with the enrolment-only token, then sign in again.
            token = answer["access_token"]
            status, started = self.server.api("POST", "/api/v1/me/mfa/totp", token=token)
            assert status in (200, 201), "start TOTP %s: %s %s" % (role, status, started)
            self.auth.add(email, started["secret"])
            status, confirmed = self.server.api("POST", "/api/v1/me/mfa/totp/confirm",
                                                {"code": self.auth.code(email)}, token=token)
            assert status == 200, "confirm TOTP %s: %s %s" % (role, status, confirmed)
            status, answer = self.server.api("POST", "/api/v1/auth/login",
                                             {"tenant": TENANT, "email": email, "password": password})
        assert answer.get("mfa_required"), "login %s after enrolment: %s %s" % (role, status, answer)
        status, tokens = self.server.api("POST", "/api/v1/auth/mfa/verify",
                                         {"mfa_token": answer["mfa_token"], "code": self.auth.code(email)})
        assert status == 200 and "access_token" in tokens, "MFA %s: %s %s" % (role, status, tokens)
        return tokens

    def fresh_token(self, role):
        """A new access token through the refresh token: access tokens live 15 minutes, less
        than a whole run on a loaded machine, and a second TOTP sign-in could wait 30 s."""
        status, tokens = self.server.api("POST", "/api/v1/auth/refresh", {"refresh_token": self.refresh_tokens[role]})
        assert status == 200 and "access_token" in tokens, "refresh %s: %s %s" % (role, status, tokens)
        self.refresh_tokens[role] = tokens["refresh_token"]
        self.tokens[role] = tokens["access_token"]
        return self.tokens[role]

    def seed(self, name, status_answer, key="id"):
        status, answer = status_answer
        if 200 <= status < 300 and isinstance(answer, dict) and key in answer:
            self.seeds[name] = answer[key]
            return answer[key]
        print("seed %s not made: %s %s" % (name, status, json.dumps(answer)[:300]), flush=True)
        return None

    def run(self):
        for role in ["group_admin", "facility_admin", "doctor", "nurse", "receptionist", "billing", "patient"]:
            tokens = self.sign_in(role)
            self.tokens[role] = tokens["access_token"]
            self.refresh_tokens[role] = tokens["refresh_token"]
        api, admin = self.server.api, self.tokens["group_admin"]
        _, facilities = api("GET", "/api/v1/facilities", token=admin)
        facility = facilities["items"][0]["id"] if isinstance(facilities, dict) and facilities.get("items") else None
        self.seeds["facilityID"] = facility
        _, me = api("GET", "/api/v1/me", token=self.tokens["doctor"])
        doctor = me.get("id")
        self.seeds["doctorID"] = doctor
        _, wards = api("GET", "/api/v1/facilities/%s/wards" % facility, token=admin)
        ward = wards["items"][0]["id"] if isinstance(wards, dict) and wards.get("items") else None
        self.seeds["wardID"] = ward
        patient = self.seed("patientID", api("POST", "/api/v1/patients", {
            "given_name": "Ada", "family_name": "Fuzz", "sex": "female", "birth_date": "1980-02-29",
            "home_facility_id": facility}, token=self.tokens["receptionist"]))
        # A staff member no fuzzing role signs in as: generated role changes and MFA resets
        # aimed at the seeded user id land on it, not on the accounts being fuzzed.
        status, invited = api("POST", "/api/v1/facilities/%s/staff" % facility,
                              {"email": "fuzz-target@kigali-health.example", "roles": ["nurse"]}, token=admin)
        if isinstance(invited, dict):
            self.seeds["userID"] = invited.get("user_id") or invited.get("id")
        api("PUT", "/api/v1/doctors/%s/availability" % doctor, {"facility_id": facility, "windows": [
            {"weekday": day, "start": "08:00", "end": "17:00", "slot_minutes": 30} for day in range(1, 8)]}, token=admin)
        tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 3 * 86400))
        _, slots = api("GET", "/api/v1/doctors/%s/available-slots?facility_id=%s&date=%s" % (doctor, facility, tomorrow),
                       token=admin)
        start = None
        if isinstance(slots, dict):
            items = slots.get("items") or slots.get("slots") or []
            start = items[0].get("starts_at") if items and isinstance(items[0], dict) else None
        appointment = self.seed("appointmentID", api("POST", "/api/v1/appointments", {
            "patient_id": patient, "doctor_id": doctor, "facility_id": facility, "starts_at": start,
            "reason": "check-up"}, token=self.tokens["receptionist"]))
        invoice = self.seed("invoiceID", api("POST", "/api/v1/invoices", {
            "patient_id": patient, "facility_id": facility, "appointment_id": appointment,
            "lines": [{"description": "Consultation", "quantity": 1, "unit_amount": 15000}]},
            token=self.tokens["billing"]))
        if invoice:
            self.seeds["invoiceFile"] = invoice + ".pdf"
            api("POST", "/api/v1/invoices/%s/finalize" % invoice, {}, token=self.tokens["billing"])
        self.seed("claimID", api("POST", "/api/v1/claims", {
            "invoice_id": invoice, "payer": "RSSB", "policy_number": "P-1", "amount": 5000}, token=self.tokens["billing"]))
        self.seed("relationshipID", api("POST", "/api/v1/patients/%s/care-team" % patient, {
            "doctor_id": doctor, "kind": "primary"}, token=admin))
        self.seed("noteID", api("POST", "/api/v1/patients/%s/notes" % patient, {
            "body": "Follow-up in two weeks."}, token=self.tokens["doctor"]))
        self.seed("recordID", api("POST", "/api/v1/patients/%s/records" % patient, {
            "kind": "diagnosis", "title": "Hypertension", "body": "Stage 1"}, token=self.tokens["doctor"]))
        self.seed("admissionID", api("POST", "/api/v1/patients/%s/admissions" % patient, {
            "facility_id": facility, "ward_id": ward, "reason": "Observation"}, token=self.tokens["nurse"]))
        boundary = "fuzz" + uuid.uuid4().hex
        form = ("--%s\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nlab\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lab.txt\"\r\n"
                "Content-Type: text/plain\r\n\r\nHb 13.2 g/dL\r\n--%s--\r\n") % (boundary, boundary, boundary)
        self.seed("documentID", api("POST", "/api/v1/patients/%s/documents" % patient, raw=form.encode(),
                                    content_type="multipart/form-data; boundary=" + boundary, token=self.tokens["doctor"]))
        _, nurse = api("GET", "/api/v1/me", token=self.tokens["nurse"])
        self.seed("shiftID", api("POST", "/api/v1/facilities/%s/shifts" % facility, {
            "user_id": nurse.get("id"), "role": "nurse", "starts_at": "2031-03-03T06:00:00Z",
            "ends_at": "2031-03-03T14:00:00Z"}, token=admin))
        self.seed("exceptionID", api("POST", "/api/v1/doctors/%s/exceptions" % doctor, {
            "starts_at": "2031-04-01T00:00:00Z", "ends_at": "2031-04-02T00:00:00Z", "reason": "leave"}, token=admin))
        self.seeds["tenant"] = TENANT
        self.seeds["model"] = "health-risk"
        return {k: v for k, v in self.seeds.items() if v}


def schemathesis_available():
    try:
        import schemathesis  # noqa: F401
        return True
    except ImportError:
        return False


def run_role(server, role, token, pattern, seeds, args, output):
    """One `schemathesis run` for a role; returns (exit status, requests, 5xx seen, text)."""
    counts = os.path.join(output, "counts-%s.json" % role)
    env = dict(os.environ)
    env.update({
        "SCHEMATHESIS_HOOKS": "hooks",
        "PYTHONPATH": HERE + os.pathsep + env.get("PYTHONPATH", ""),
        "CAREFLOW_FUZZ_SEEDS": json.dumps(seeds),
        "CAREFLOW_FUZZ_COUNTS": counts,
        "SCHEMATHESIS_HOSTNAME": "",
    })
    examples = max(1, int(args.max_examples * ROLE_SHARE.get(role, 0.5)))
    command = [sys.executable, "-m", "schemathesis.cli", "run", server.base + "/openapi.json",
               "--checks", ",".join(CHECKS), "--phases", "examples,fuzzing",
               "--max-examples", str(examples), "--workers", str(args.workers), "--seed", str(args.seed),
               "--no-shrink", "--request-timeout", "45", "--suppress-health-check", "all",
               "--continue-on-failure", "--max-failures", "200", "--output-truncate", "true",
               "--include-path-regex", pattern]
    if token:
        excluded = (PUBLIC if pattern == ACCOUNT else PUBLIC + "|" + ACCOUNT)
        command += ["--exclude-path-regex", excluded, "-H", "Authorization: Bearer " + token]
    started = time.time()
    try:
        process = subprocess.run(command, env=env, cwd=output, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, timeout=args.role_limit)
        returncode, text = process.returncode, process.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as expired:
        returncode = 124
        text = (expired.stdout or b"").decode(errors="replace") + "\nSUMMARY: stopped after %d s" % args.role_limit
    with open(os.path.join(output, "schemathesis-%s.txt" % role), "w", encoding="utf-8") as handle:
        handle.write(text.replace(token or "\0", "<token>"))
    tally = {"requests": 0, "5xx": 0}
    if os.path.exists(counts):
        with open(counts, encoding="utf-8") as handle:
            tally = json.load(handle)
    tally["seconds"] = round(time.time() - started, 1)
    return returncode, tally, text.replace(token or "\0", "<token>")


def summary_of(text, failed=False):
    """The per-check summary and totals schemathesis prints at the end; for a failed run also
    what it printed just before them (the failures and errors: which operation, which exception),
    so that a CI log shows why without the output folder."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if "SUMMARY" in line:
            before = lines[max(0, index - 80):index] if failed else []
            return "\n".join(before + lines[index:])
    return "\n".join(lines[-40:])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "debug", "careflow"))
    parser.add_argument("--output", default=os.path.join(HERE, "output"))
    parser.add_argument("--database-url")
    parser.add_argument("--schema")
    parser.add_argument("--max-examples", type=int, default=25, help="per operation, for the group admin")
    parser.add_argument("--workers", type=int, default=1, help="concurrent requests (see EXCLUDED)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--role-limit", type=int, default=480, help="seconds one role's run may take")
    parser.add_argument("--roles", default=",".join(role for role, _ in ROLE_PLAN))
    parser.add_argument("--sequential", action="store_true", help="one role at a time instead of STAGES' lanes")
    parser.add_argument("--check-dependencies", action="store_true")
    parser.add_argument("--serve-only", action="store_true",
                        help="set up, write state.json (URL, tokens, seeds) to --output and wait: for local runs")
    args = parser.parse_args()
    if not schemathesis_available():
        print("schemathesis is not installed (python3 -m pip install 'schemathesis>=4.32,<5')", file=sys.stderr)
        return 3
    if args.check_dependencies:
        return 0
    # Concurrent writers used to wedge the server on SQLite (an audit append inside a transaction
    # waited for the chain's batch, which waited for the write lock that transaction held; every
    # request then waited out the 30-s connection timeout). Fixed in session 10 and pinned by
    # ConcurrentAuditedWritesTests; the single worker above is for schemathesis' own sake.
    os.makedirs(args.output, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="careflow-fuzz-")
    server = Server(args.binary, data_dir, args.output, args.database_url, args.schema)
    failed = []
    totals = {"requests": 0, "5xx": 0}
    try:
        server.wait_ready()
        setup = Setup(server)
        seeds = setup.run()
        print("seeded: %s" % ", ".join(sorted(seeds)), flush=True)
        if args.serve_only:
            with open(os.path.join(args.output, "state.json"), "w", encoding="utf-8") as handle:
                json.dump({"base": server.base, "tokens": setup.tokens, "refresh_tokens": setup.refresh_tokens,
                           "seeds": seeds}, handle)
            print("serving at %s; state.json in %s; Ctrl-C ends" % (server.base, args.output), flush=True)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        wanted = args.roles.split(",")
        patterns = dict(ROLE_PLAN)

        def run_lane(lane):
            results = []
            for role in lane:
                if role in wanted and server.process.poll() is None:
                    token = setup.fresh_token(role) if role != "anonymous" else None
                    results.append((role,) + run_role(server, role, token, patterns[role], seeds, args, args.output))
            return results

        for stage in STAGES:
            if args.sequential or len(stage) == 1:
                results = [result for lane in stage for result in run_lane(lane)]
            else:
                with concurrent.futures.ThreadPoolExecutor(len(stage)) as pool:
                    results = [result for lane in pool.map(run_lane, stage) for result in lane]
            for role, status, tally, text in results:
                totals["requests"] += tally["requests"]
                totals["5xx"] += tally["5xx"]
                print("\n== %s: %d requests, %d 5xx, %.0f s, exit %d ==" % (
                    role, tally["requests"], tally["5xx"], tally["seconds"], status), flush=True)
                print(summary_of(text, failed=status != 0), flush=True)
                if status != 0:
                    failed.append(role)
            if server.process.poll() is not None:
                failed.append("server exited with %s" % server.process.returncode)
                break
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    print("\nFuzz summary: %d requests, %d server errors; checks: %s" % (
        totals["requests"], totals["5xx"], ", ".join(CHECKS)))
    for name, reason in EXCLUDED.items():
        print("  not run: %s (%s)" % (name, reason))
    if totals["requests"] < MIN_REQUESTS:
        failed.append("only %d requests (at least %d wanted)" % (totals["requests"], MIN_REQUESTS))
    if failed:
        print("failed: %s" % "; ".join(failed))
        return 1
    print("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
