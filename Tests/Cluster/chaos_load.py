#!/usr/bin/env python3
"""Load and chaos against a local cluster (infra/local-cluster.sh), standard library only.

Through nginx: logins, patient registrations, bookings that compete for the same slots, Stripe
webhooks signed as Stripe signs them (each delivered twice, as Stripe may), patient reads.
Meanwhile: SIGKILL of replica 2 (restarted later), then a PostgreSQL stop and start.
Afterwards, from the database (psql): every request acknowledged 2xx is there, no slot is
booked twice, no webhook event had two effects. Writes a JSON report (--report) that the Swift
test asserts on, and the numbers as Markdown (--markdown).

POSTs carry an Idempotency-Key; a 502 (replica killed mid-request) or 503 (database away) is
retried with the same key, as a client should, so a retry never makes a second effect.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

KIGALI = timezone(timedelta(hours=2))  # no daylight saving time


class Cluster:
    def __init__(self, args):
        self.args = args
        url = urllib.parse.urlparse(args.url)
        self.host, self.port = url.hostname, url.port
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE  # the cluster's self-signed placeholder certificate
        self.local = threading.local()

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        """(status, headers dict lower-cased, parsed JSON or None); status 0 = connection failed."""
        hdrs = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if token:
            hdrs["Authorization"] = "Bearer " + token
        for attempt in range(2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=30)
                self.local.conn = conn
            try:
                conn.request(method, path, body=data, headers=hdrs)
                res = conn.getresponse()
                payload = res.read()
                rh = {k.lower(): v for k, v in res.getheaders()}
                try:
                    parsed = json.loads(payload) if payload else None
                except ValueError:
                    parsed = None
                return res.status, rh, parsed
            except (OSError, http.client.HTTPException):
                conn.close()
                self.local.conn = None
                if attempt == 1:
                    return 0, {}, None
        return 0, {}, None


class Recorder:
    """Every answer, by time and kind; what was acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []  # (t, op, status, retry_after)
        self.acknowledged = {"patients": [], "appointments": [], "webhooks": [], "logins": 0}
        self.attempted = Counter()
        self.unknown = Counter()  # gave up or 409 still-processing: outcome unknown to the client

    def note(self, op, status, headers):
        with self.lock:
            self.events.append((time.monotonic(), op, status, headers.get("retry-after")))


def login(cluster, rec, creds, role):
    email, password = creds[role]
    status, h, js = cluster.request("POST", "/api/v1/auth/login",
                                    {"tenant": cluster.args.tenant, "email": email, "password": password})
    rec.note("login", status, h)
    if status == 200 and js and js.get("access_token"):
        with rec.lock:
            rec.acknowledged["logins"] += 1
        return js["access_token"]
    return None


def keyed_post(cluster, rec, op, path, body, token, deadline):
    """POST with an Idempotency-Key, retried on 0/502/503 with the same key until deadline."""
    key = str(uuid.uuid4())
    with rec.lock:
        rec.attempted[op] += 1
    while True:
        status, h, js = cluster.request("POST", path, body, token=token, headers={"Idempotency-Key": key})
        rec.note(op, status, h)
        if status in (0, 502, 503, 504) and time.monotonic() < deadline:
            time.sleep(0.3 if status != 503 else min(1.0, float(h.get("retry-after", "1") or 1)))
            continue
        if status == 409 and js and "Idempotency-Key" in (js.get("detail") or ""):
            with rec.lock:
                rec.unknown[op] += 1  # the first attempt died between its effect and its answer
            return status, js
        if status in (0, 502, 503, 504):
            with rec.lock:
                rec.unknown[op] += 1
        return status, js


def stripe_header(payload, secret, at):
    signed = f"{at}.{payload}".encode()
    return f"t={at},v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def run(args):
    cluster = Cluster(args)
    rec = Recorder()
    creds = {}
    with open(args.credentials) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4 and parts[0] == args.tenant:
                creds[parts[1]] = (parts[2], parts[3])
    tokens = {role: login(cluster, rec, creds, role) for role in ("receptionist", "doctor")}
    if not all(tokens.values()):
        sys.exit("setup: login failed")
    status, _, me = cluster.request("GET", "/api/v1/me", token=tokens["doctor"])
    doctor_id = me["id"]
    status, _, facilities = cluster.request("GET", "/api/v1/facilities", token=tokens["receptionist"])
    facility_id = facilities["items"][0]["id"]
    chaos = {}
    windows = [{"weekday": d, "start": "08:00", "end": "18:00", "slot_minutes": 30} for d in range(1, 8)]
    status, _, js = cluster.request("PUT", f"/api/v1/doctors/{doctor_id}/availability",
                                    {"facility_id": facility_id, "windows": windows}, token=tokens["doctor"])
    if status != 200:
        sys.exit(f"setup: availability {status} {js}")
    # The slots: 08:00-17:30 in Kigali, 3 to 17 days ahead. Bookers compete for a window of six
    # that moves on with time, so every second has contention and free slots remain to the end.
    today = datetime.now(KIGALI).date()
    slots = []
    for days in range(3, 18):
        day = today + timedelta(days=days)
        for i in range(20):
            local = datetime(day.year, day.month, day.day, 8, 0, tzinfo=KIGALI) + timedelta(minutes=30 * i)
            slots.append(local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    # The demo seed has its own patients; only the load's are counted against its keys.
    chaos["patients_before"] = int(psql(args.database_url, "SELECT count(*) FROM patients")[0])
    chaos["appointments_before"] = int(psql(args.database_url, "SELECT count(*) FROM appointments")[0])
    start = time.monotonic()
    end = start + args.duration
    patients = []
    plock = threading.Lock()

    def patient_writer(n):
        i = 0
        while time.monotonic() < end:
            i += 1
            body = {"given_name": f"Load{n}", "family_name": f"Patient{i}", "sex": random.choice(["female", "male"]),
                    "birth_date": f"19{random.randint(40, 99)}-0{random.randint(1, 9)}-1{random.randint(0, 9)}"}
            status, js = keyed_post(cluster, rec, "patient", "/api/v1/patients", body, tokens["receptionist"], end + 20)
            if status == 201 and js:
                with rec.lock:
                    rec.acknowledged["patients"].append(js["id"])
                with plock:
                    patients.append(js["id"])
            time.sleep(0.05)

    def booker(n):
        while time.monotonic() < end:
            with plock:
                pool = list(patients)
            if not pool:
                time.sleep(0.2)
                continue
            window = min(int((time.monotonic() - start) * 3), len(slots) - 6)
            body = {"patient_id": random.choice(pool), "doctor_id": doctor_id, "facility_id": facility_id,
                    "starts_at": slots[window + random.randrange(6)]}
            status, js = keyed_post(cluster, rec, "booking", "/api/v1/appointments", body, tokens["receptionist"], end + 20)
            if status == 201 and js:
                with rec.lock:
                    rec.acknowledged["appointments"].append(js["id"])
            time.sleep(0.05)

    def webhooks(n):
        i = 0
        while time.monotonic() < end:
            i += 1
            event_id = f"evt_cluster_{n}_{i}_{uuid.uuid4().hex[:8]}"
            intent = f"pi_cluster_{n}_{i}"
            amount = 1000 + i
            now = int(time.time())
            payload = json.dumps({"id": event_id, "object": "event", "type": "payment_intent.succeeded", "created": now,
                                  "livemode": False, "api_version": "2024-06-20",
                                  "data": {"object": {"id": intent, "object": "payment_intent", "amount": amount,
                                                      "currency": "rwf", "status": "succeeded"}}}, separators=(",", ":"))
            with rec.lock:
                rec.attempted["webhook"] += 1
            delivered = False
            # Stripe delivers again until it sees a 2xx; and a 2xx may be delivered again anyway.
            for delivery in range(2):
                deadline = end + 20
                while True:
                    header = stripe_header(payload, args.webhook_secret, int(time.time()))
                    status, h, js = cluster.request("POST", f"/webhooks/{args.tenant}/stripe", raw=payload.encode(),
                                                    headers={"Stripe-Signature": header, "Content-Type": "application/json"})
                    rec.note("webhook", status, h)
                    if 200 <= status < 300:
                        delivered = True
                        break
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.3)
                if not delivered:
                    break
            if delivered:
                with rec.lock:
                    rec.acknowledged["webhooks"].append({"event": event_id, "intent": intent, "amount": amount})
            else:
                with rec.lock:
                    rec.unknown["webhook"] += 1
            time.sleep(0.1)

    def reader(n):
        while time.monotonic() < end:
            with plock:
                pool = list(patients)
            if pool:
                status, h, _ = cluster.request("GET", f"/api/v1/patients/{random.choice(pool)}", token=tokens["receptionist"])
                rec.note("read", status, h)
            time.sleep(0.1)

    def logins(n):
        while time.monotonic() < end:
            login(cluster, rec, creds, random.choice(["receptionist", "nurse", "billing"]))
            time.sleep(2.5)  # below nginx's auth zone (10 r/s) and the app's per-address limit

    def script(*words):
        subprocess.run([args.script] + list(words), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def chaos_monkey():
        time.sleep(args.kill_at)
        chaos["replica_killed"] = time.monotonic()
        script("kill-replica", "2")
        time.sleep(args.db_stop_at - args.kill_at - 6)
        script("start-replica", "2")
        chaos["replica_restarted"] = time.monotonic()
        while time.monotonic() < start + args.db_stop_at:
            time.sleep(0.1)
        chaos["db_stop"] = time.monotonic()
        script("db-stop")
        chaos["db_stopped"] = time.monotonic()
        time.sleep(args.db_down)
        script("db-start")
        chaos["db_started"] = time.monotonic()

    workers = [threading.Thread(target=chaos_monkey)]
    workers += [threading.Thread(target=patient_writer, args=(n,)) for n in range(3)]
    workers += [threading.Thread(target=booker, args=(n,)) for n in range(3)]
    workers += [threading.Thread(target=webhooks, args=(n,)) for n in range(2)]
    workers += [threading.Thread(target=reader, args=(n,)) for n in range(2)]
    workers += [threading.Thread(target=logins, args=(0,))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return cluster, rec, chaos, start, slots


def psql(url, sql):
    out = subprocess.run(["psql", url, "-qtAX", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def quoted(values):
    return ",".join("'" + v.replace("'", "''") + "'" for v in values) or "NULL"


def check(args, rec, chaos, start):
    url = args.database_url
    ack = rec.acknowledged
    tenant = psql(url, f"SELECT id FROM tenants WHERE slug = {quoted([args.tenant])}")[0]
    # The API writes UUIDs upper-case (Swift's UUID), PostgreSQL prints them lower-case.
    acked_patients = {i.lower() for i in ack["patients"]}
    acked_appointments = {i.lower() for i in ack["appointments"]}
    found_patients = set(psql(url, f"SELECT id FROM patients WHERE id::text IN ({quoted(acked_patients)})"))
    found_appointments = set(psql(url, f"SELECT id FROM appointments WHERE id::text IN ({quoted(acked_appointments)})"))
    doubled = psql(url, "SELECT doctor_id, starts_at, count(*) FROM appointments WHERE status IN ('booked','confirmed') "
                        "GROUP BY doctor_id, starts_at HAVING count(*) > 1")
    events = [w["event"] for w in ack["webhooks"]]
    event_rows = Counter(psql(url, f"SELECT event_id FROM webhook_events WHERE tenant_id = '{tenant}' AND provider = 'stripe' "
                                   f"AND event_id IN ({quoted(events)})"))
    payment_rows = {}
    for line in psql(url, f"SELECT provider_payment_id, amount, status FROM payments WHERE tenant_id = '{tenant}'"):
        intent, amount, status = line.split("|")
        payment_rows.setdefault(intent, []).append((int(amount), status))
    webhook_problems = []
    for w in ack["webhooks"]:
        if event_rows[w["event"]] != 1:
            webhook_problems.append(f"{w['event']}: {event_rows[w['event']]} stored events")
        rows = payment_rows.get(w["intent"], [])
        if len(rows) != 1 or rows[0] != (w["amount"], "succeeded"):
            webhook_problems.append(f"{w['intent']}: payments {rows}")
    # The replicas and the worker connect as the application's role (no BYPASSRLS), as in compose.
    app_role_sessions = int(psql(url, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'careflow_app'")[0])
    # Sessions of clients only (the server's own processes run as its bootstrap role), and not this
    # check's psql (a finished one may linger a moment).
    owner_sessions = psql(url, "SELECT application_name || '|' || backend_type || '|' || coalesce(state, '') || '|' || "
                               "left(coalesce(query, ''), 80) FROM pg_stat_activity WHERE usename = 'careflow' "
                               "AND application_name <> 'psql' AND backend_type = 'client backend'")
    total_patients = int(psql(url, f"SELECT count(*) FROM patients WHERE tenant_id = '{tenant}'")[0])
    total_appointments = int(psql(url, f"SELECT count(*) FROM appointments WHERE tenant_id = '{tenant}'")[0])

    # Answers by phase: while the database was down (stop called .. start returned) and after.
    down_from, down_to = chaos["db_stop"], chaos["db_started"]
    during = [e for e in rec.events if down_from <= e[0] <= down_to]
    after = [e for e in rec.events if e[0] > down_to]
    during_status = Counter(e[2] for e in during)
    during_503_without_retry_after = sum(1 for e in during if e[2] == 503 and not e[3])
    first_success_after = min((e[0] for e in after if 200 <= e[2] < 300), default=None)
    recovery_by_op = {}
    for op in ("login", "patient", "booking", "webhook", "read"):
        t = min((e[0] for e in after if e[1] == op and 200 <= e[2] < 300), default=None)
        recovery_by_op[op] = None if t is None else round(t - down_to, 2)
    kill_window = [e for e in rec.events if chaos["replica_killed"] <= e[0] <= chaos["replica_killed"] + 5]
    statuses = Counter(e[2] for e in rec.events)
    kinds = Counter()
    for _, op, status, _ in rec.events:
        if status == 0:
            kinds["connection failed"] += 1
        elif status >= 400:
            kinds[f"{status} {op}"] += 1
    return {
        "requests": len(rec.events),
        "duration_seconds": round(max(e[0] for e in rec.events) - start, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors_by_kind": dict(sorted(kinds.items())),
        "server_errors_500": statuses.get(500, 0),
        "acknowledged": {"logins": ack["logins"], "patients": len(ack["patients"]),
                         "appointments": len(ack["appointments"]), "webhooks": len(ack["webhooks"])},
        "attempted": dict(rec.attempted),
        "unknown_outcome": dict(rec.unknown),
        "missing_patients": len(acked_patients - found_patients),
        "missing_appointments": len(acked_appointments - found_appointments),
        "patients_in_db": total_patients - chaos["patients_before"],
        "appointments_in_db": total_appointments - chaos["appointments_before"],
        "doubled_slots": len(doubled),
        "app_role_sessions": app_role_sessions,
        "owner_sessions": len(owner_sessions),
        "owner_session_details": owner_sessions,
        "webhook_problems": webhook_problems[:20],
        "replica_kill_window": {str(k): v for k, v in sorted(Counter(e[2] for e in kill_window).items())},
        "db_down_seconds": round(down_to - down_from, 2),
        "db_down_statuses": {str(k): v for k, v in sorted(during_status.items())},
        "db_down_500": during_status.get(500, 0),
        "db_down_503": during_status.get(503, 0),
        "db_down_503_without_retry_after": during_503_without_retry_after,
        "recovery_seconds": None if first_success_after is None else round(first_success_after - down_to, 2),
        "recovery_seconds_by_operation": recovery_by_op,
        "successes_after_db_restart": sum(1 for e in after if 200 <= e[2] < 300),
    }


def markdown(report):
    lines = [
        "# Local cluster under load and chaos",
        "",
        "`swift test --filter ClusterChaosTests` (Tests/CareFlowAPITests/ClusterChaosTests.swift, driver",
        "Tests/Cluster/chaos_load.py): two debug-build replicas, one worker, nginx and a private PostgreSQL",
        "on loopback (`infra/local-cluster.sh`); 12 client threads through nginx (3 patient writers, 3",
        "bookers competing for a moving window of 6 slots, 2 Stripe webhook senders delivering each event twice, 2 readers,",
        "1 login loop). Replica 2 is SIGKILLed, restarted; then PostgreSQL is stopped (`pg_ctl -m fast`)",
        "and started again.",
        "",
        f"Run of {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}:",
        "",
        "| measure | value |",
        "|---|---|",
        f"| requests | {report['requests']} in {report['duration_seconds']} s |",
        f"| answers by status | {', '.join(f'{k}: {v}' for k, v in report['statuses'].items())} |",
        f"| errors by kind | {', '.join(f'{k}: {v}' for k, v in report['errors_by_kind'].items()) or 'none'} |",
        f"| acknowledged (2xx) | {', '.join(f'{k}: {v}' for k, v in report['acknowledged'].items())} |",
        f"| acknowledged but missing in the database | patients {report['missing_patients']}, appointments {report['missing_appointments']} |",
        f"| slots booked twice | {report['doubled_slots']} |",
        f"| webhook events with other than one effect | {len(report['webhook_problems'])} |",
        f"| outcome unknown to the client (gave up, or key still pending) | {report['unknown_outcome'] or 'none'} |",
        f"| 5 s after the SIGKILL | {report['replica_kill_window']} |",
        f"| database down (stop called to start returned) | {report['db_down_seconds']} s: {report['db_down_statuses']} |",
        f"| 503 without Retry-After / 500 while down | {report['db_down_503_without_retry_after']} / {report['db_down_500']} |",
        f"| recovery: first 2xx after PostgreSQL was back | {report['recovery_seconds']} s |",
        f"| recovery per operation (s) | {report['recovery_seconds_by_operation']} |",
        "",
    ]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--script", required=True)
    p.add_argument("--credentials", required=True)
    p.add_argument("--tenant", required=True)
    p.add_argument("--webhook-secret", required=True)
    p.add_argument("--database-url", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--markdown")
    p.add_argument("--duration", type=float, default=65)
    p.add_argument("--kill-at", type=float, default=8)
    p.add_argument("--db-stop-at", type=float, default=22)
    p.add_argument("--db-down", type=float, default=5)
    args = p.parse_args()
    _, rec, chaos, start, _ = run(args)
    report = check(args, rec, chaos, start)
    with open(args.report, "w") as f:
        json.dump(report, f, indent=2)
    text = markdown(report)
    print(text)
    if args.markdown:
        os.makedirs(os.path.dirname(os.path.abspath(args.markdown)), exist_ok=True)
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
