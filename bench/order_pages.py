#!/usr/bin/env python3
"""bench/order_pages.py - figures, not a test: the WAL frames (4 KiB pages written to the
WAL, then again by the checkpoint) one citizen order costs, and which b-tree each is in.
The order's own writes are done here in SQL as src/db_request_create.c and db.c's
db_event_append do them (the request's row, its one line, the first event of its
history chained to the last), GROUP orders a transaction as the group commit would put
them, TXNS transactions, on a copy of a `watiqa demo` database first filled with PREFILL
orders; the WAL is never checkpointed during the count, its frames are read back and
each page mapped to its table or index through the dbstat table.  VARY=1 draws names,
phone and CIN at random (production); 0 repeats bench/web.sh's one body (no CIN).

    build/watiqa demo --db /tmp/o.db
    python3 bench/order_pages.py /tmp/o.db [GROUP=8] [TXNS=200] [PREFILL=20000] [VARY=0]

Deterministic (a fixed seed): a count, not a timing; needs no lock.  If the order's
SQL changes, change it here too."""
import collections, hashlib, os, random, shutil, sqlite3, struct, sys, tempfile

src = sys.argv[1]
given = [int(a) for a in sys.argv[2:6]]
group, txns, prefill, vary = given + [8, 200, 20000, 0][len(given):]
work = tempfile.mkdtemp(prefix="order-pages-")
db = os.path.join(work, "o.db")
shutil.copy(src, db)
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("PRAGMA foreign_keys=ON")
commune, office = con.execute("SELECT commune_id, id FROM offices WHERE active = 1 LIMIT 1").fetchone()
rnd = random.Random(7)
now = [1765000000]

def word(n):
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)).capitalize()

INSERT = ("INSERT INTO requests (tracking, secret_hash, doc_type, copies, birth_commune_id,"
          " record_number, record_year, first_name_ar, last_name_ar, first_name_lat, last_name_lat,"
          " birth_date, cin, phone, email, address, postal_code, city, lang, fee_centimes, state,"
          " office_id, created_at, updated_at, country) VALUES"
          " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'pending_payment',?,?,?,?)")

def order(cur):
    now[0] += 1
    tracking = "W%010d" % rnd.randrange(10**10)
    secret = "h1:" + hashlib.sha256(tracking.encode()).hexdigest()
    if vary:
        names = ("محمد" + word(2), "العلوي" + word(2), word(7), word(8))
        phone, cin = "06%08d" % rnd.randrange(10**8), "BE%06d" % rnd.randrange(10**6)
    else:
        names, phone, cin = ("محمد", "العلوي", "Mohamed", "Alaoui"), "0612345678", ""
    cur.execute(INSERT, (tracking, secret, "extract", 1, commune, "1234", 1990) + names +
                ("1990-05-17", cin, phone, "", "12 rue des Fleurs, Agdal", "10080", "Rabat", "fr",
                 7000, office, now[0], now[0], "MA"))
    rid = cur.lastrowid
    cur.execute("INSERT INTO request_lines (request_id, line_no, doc_type, copies, fee_centimes)"
                " VALUES (?, 1, 'extract', 1, 7000)", (rid,))
    prev = cur.execute("SELECT hash FROM request_events ORDER BY id DESC LIMIT 1").fetchone()
    prev = prev[0] if prev else "0" * 64
    link = hashlib.sha256(("%s|%d|%d" % (prev, rid, now[0])).encode()).hexdigest()
    cur.execute("INSERT INTO request_events (request_id, at, actor_id, actor_label, office_id,"
                " from_state, to_state, note, prev_hash, hash) VALUES"
                " (?, ?, NULL, 'citizen', ?, 'new', 'pending_payment', '', ?, ?)",
                (rid, now[0], office, prev, link))

cur = con.cursor()
cur.execute("BEGIN")
for _ in range(prefill):
    order(cur)
cur.execute("COMMIT")
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
for _ in range(txns):
    cur.execute("BEGIN IMMEDIATE")
    for _ in range(group):
        order(cur)
    cur.execute("COMMIT")
n = group * txns
owner = {p: name for name, p in con.execute("SELECT name, pageno FROM dbstat")}
wal = open(db + "-wal", "rb").read()
page = struct.unpack(">I", wal[8:12])[0]
count, off = collections.Counter(), 32
while off + 24 + page <= len(wal):
    count[owner.get(struct.unpack(">I", wal[off:off + 4])[0], "?")] += 1
    off += 24 + page
frames = sum(count.values())
print("%d orders, %d a transaction, prefill %d, vary %d: %.2f WAL frames an order, %.1f KiB"
      % (n, group, prefill, vary, frames / n, frames * (24 + page) / n / 1024))
for name, v in count.most_common():
    print("  %6.2f %s" % (v / n, name))
con.close()
shutil.rmtree(work)
