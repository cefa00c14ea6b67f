#!/usr/bin/env python3
"""crash_driver.py - the load the crash tests put on the server while they kill it:
citizens ordering through the JSON API (one in three an extract and a full copy in one
order, so that a cancellation owes one refund per document) and paying at the sandbox
gateway (most with the good card, a few with the card whose first refund call times out
or with the one whose refunds are refused), one in four cancelling right after (so the server's
notifier is refunding while it is killed), and an agent declaring stages with `watiqa
request move ... --as agent1`.  Every acknowledgement the client saw is appended (and
fsync'd) to a file before the next action:
  ACKS:    "paid <tracking>"          the tracking API said the request is paid
  MOVES:   "<state> <tracking>"       the CLI exited 0 after moving it to <state>
  CANCELS: "<tracking> <card>"        the cancel API said 200, or the request reads
                                      cancelled after a cancel whose answer was lost
Connection errors (the server is down) are retried; the driver runs until SIGTERM.
Used by tests/e2e/crash_payment.sh and bench/crash.sh; not a test by itself."""
import json, os, random, re, signal, subprocess, sys, threading, time
import urllib.error, urllib.parse, urllib.request

url, sandbox, db, bin_, acks_path, moves_path, cancels_path = sys.argv[1:8]
GOOD, SLOW_REFUND, NO_REFUND = "4000000000000002", "4000000000000044", "4000000000000036"
citizens = int(os.environ.get("CRASH_CITIZENS", "3"))
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
lock = threading.Lock()
paid_queue = []  # trackings acknowledged paid, for the agent

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None
opener = urllib.request.build_opener(NoRedirect)

def record(path, line):
    with lock, open(path, "a") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())

def http(method, u, data=None, ctype=None, timeout=5):
    """(status, body); status 0 when the server cannot be reached."""
    req = urllib.request.Request(u, data=data, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with opener.open(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except Exception:
        return 0, ""

ORDER = {"lang": "fr", "doc_type": "extract", "copies": 1, "commune": 1,
         "record_number": "1234", "record_year": "1990", "last_name_ar": "العلوي",
         "first_name_ar": "محمد", "last_name_lat": "Alaoui", "first_name_lat": "Mohamed",
         "birth_date": "1990-05-17", "cin": "BE123456", "address": "12 rue des Fleurs",
         "postal_code": "10080", "city": "Rabat", "phone": "0612345678",
         "email": "m.alaoui@example.ma"}

def track(tracking, secret):
    st, body = http("POST", url + "/api/v1/track",
                    json.dumps({"tracking": tracking, "secret": secret}).encode(),
                    "application/json")
    if st != 200:
        return None
    try:
        return json.loads(body).get("state")
    except ValueError:
        return None

def cancel(tracking, secret):
    """True once the request is cancelled (by this call or one whose answer was lost)."""
    while not stop.is_set():
        st, _ = http("POST", url + "/api/v1/cancel",
                     json.dumps({"tracking": tracking, "secret": secret}).encode(),
                     "application/json")
        if st == 200:
            return True
        s = track(tracking, secret)
        if s == "cancelled":
            return True
        if st == 409 and s is not None:
            return False
        time.sleep(0.3)
    return False

def citizen(n):
    rnd = random.Random(n)
    while not stop.is_set():
        # a phone of its own: orders a kill left unpaid would soon fill the cap on one
        # phone's open unpaid orders (unpaid_orders_per_phone)
        o = dict(ORDER, copies=rnd.randint(1, 3), record_number=str(rnd.randint(1, 99999)),
                 phone="06%08d" % rnd.randint(0, 99999999))
        if rnd.random() < 0.33:  # two documents, one payment: refunded line by line
            del o["doc_type"], o["copies"]
            o["lines"] = [{"doc_type": "extract", "copies": rnd.randint(1, 3)},
                          {"doc_type": "full_copy", "copies": 1}]
        st, body = http("POST", url + "/api/v1/requests", json.dumps(o).encode(),
                        "application/json")
        if st != 201:
            time.sleep(0.2)
            continue
        d = json.loads(body)
        tracking, secret, pay = d["tracking"], d["secret"], d["payment_url"]
        # the gateway's page, then the card form posted to it (as a browser would)
        st, page = http("GET", pay)
        if st != 200:
            continue
        fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
        fields = {k: v.replace("&amp;", "&").replace("&quot;", '"') for k, v in fields.items()}
        r = rnd.random()
        card = SLOW_REFUND if r < 0.03 else NO_REFUND if r < 0.05 else GOOD
        fields["card"] = card
        http("POST", pay.split("/pay?")[0] + "/pay", urllib.parse.urlencode(fields).encode(),
             "application/x-www-form-urlencoded", timeout=10)
        # acknowledged only once the server itself says paid
        for _ in range(3):
            s = track(tracking, secret)
            if s is not None:
                break
            time.sleep(0.3)
        if s and s != "pending_payment":
            record(acks_path, "paid " + tracking)
            if rnd.random() < 0.25:
                if cancel(tracking, secret):
                    record(cancels_path, "%s %s" % (tracking, card))
                continue
            with lock:
                paid_queue.append(tracking)

def agent():
    # the officer signs between production and the sealed envelope
    steps = ["claimed", "in_production", "awaiting_signature", "signed", "ready"]
    by = {"signed": "officer1"}
    work = []  # [tracking, next step index]
    while not stop.is_set():
        with lock:
            while paid_queue:
                work.append([paid_queue.pop(0), 0])
        if not work:
            time.sleep(0.1)
            continue
        w = work[0]
        r = subprocess.run([bin_, "request", "move", w[0], steps[w[1]], "--as",
                            by.get(steps[w[1]], "agent1"),
                            "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            record(moves_path, steps[w[1]] + " " + w[0])
            w[1] += 1
            if w[1] == len(steps):
                work.pop(0)
        elif r.returncode == 2:
            work.pop(0)  # refused (state moved under us): leave it
        else:
            time.sleep(0.1)  # busy or failing: try again

threads = [threading.Thread(target=citizen, args=(i,), daemon=True) for i in range(citizens)]
threads.append(threading.Thread(target=agent, daemon=True))
for t in threads:
    t.start()
while not stop.is_set():
    time.sleep(0.1)
sys.exit(0)
