#!/usr/bin/env python3
"""citizen_order.py - a real headless Chromium fills the Watiqa order form, in French
and in Arabic, pays at the sandbox gateway with the test card that succeeds, and reaches
the confirmation page with a tracking number and a secret code; the French citizen then
changes his mind and cancels from the tracking page (the box ticked, the button
pressed), which shows the request cancelled and its refund.  Screenshots of each
step go to tests/out/.  Driven over the Chrome DevTools Protocol with the Python
standard library only (a minimal WebSocket client below): no npm, no pip.

usage: citizen_order.py BASE_URL OUT_DIR   (exits 0 when both languages reach it)"""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time
import urllib.request

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class WS:
    """Just enough RFC 6455 for CDP: text frames, client masking, no extensions."""

    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.s = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.s.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake: " + head.decode(errors="replace"))
        self.buf = b""

    def send(self, text):
        data = text.encode()
        n = len(data)
        hdr = bytes([0x81])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise RuntimeError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            op = b0 & 0x0F
            if op == 9:  # ping
                continue
            msg += payload
            if b0 & 0x80:
                return msg.decode()


class Page:
    def __init__(self, ws_url):
        self.ws = WS(ws_url)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == my:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == name:
                    del self.events[: i + 1]
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError("timed out waiting for " + name)

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"js {expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def navigate_by(self, expr):
        """Runs expr (a click or submit) and waits for the next page to load."""
        self.events.clear()
        self.js(expr)
        self.wait_event("Page.loadEventFired")

    def shot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


VALUES = {
    "fr": {"record_number": "4521", "record_year": "1987", "last_name_ar": "بناني",
           "first_name_ar": "كريم", "last_name_lat": "Bennani", "first_name_lat": "Karim",
           "birth_date": "1987-03-02", "cin": "AB123456", "address": "5 avenue Hassan II",
           "postal_code": "10000", "city": "Rabat", "phone": "0661234567",
           "email": "karim@example.ma"},
    "ar": {"record_number": "77", "record_year": "1995", "last_name_ar": "الإدريسي",
           "first_name_ar": "سلمى", "last_name_lat": "El Idrissi", "first_name_lat": "Salma",
           "birth_date": "14/11/1995", "cin": "", "address": "زنقة الورود رقم 8، أكدال",
           "postal_code": "10090", "city": "الرباط", "phone": "+212 7 12 34 56 78",
           "email": ""},
}


def order(page, base, lang, out, values=None, country=None, tag=None, docs=None):
    """Orders with VALUES[lang] (or `values`), delivered in `country` (ISO code, chosen
    in its list; Morocco when None), the documents `docs` ({"extract": copies,
    "full_copy": copies}, boxes ticked and lists chosen; one full copy when None);
    screenshots named by `tag` (else lang)."""
    tag = tag or lang
    page.events.clear()
    page.call("Page.navigate", url=f"{base}/?lang={lang}")
    page.wait_event("Page.loadEventFired")
    assert page.js("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    # a phone-sized screen
    page.call("Emulation.setDeviceMetricsOverride", width=360, height=740,
              deviceScaleFactor=2, mobile=True)
    # the boxes clicked as a person would (the extract comes ticked)
    for k, doc in enumerate(("extract", "full_copy")):
        n = (docs or {"full_copy": 1}).get(doc)
        box = f"document.getElementById('lines[{k}].doc_type')"
        if page.js(f"{box}.checked") != bool(n):
            page.js(f"{box}.click()")
        if n:
            page.js(f"document.getElementById('lines[{k}].copies').value='{n}'")
    if lang == "fr":
        # Hassan has several offices: the citizen knows hers, the annex of Diour Jamaa
        page.js("var s=document.getElementById('commune');"
                "s.value=Array.from(s.options).find(o=>o.text=='Hassan').value")
        page.js("var s=document.getElementById('office');"
                "s.value=Array.from(s.options).find(o=>o.text=='Bureau annexe Diour Jamaa').value")
    else:  # the first commune, and the office left at "I don't know"
        page.js("var s=document.getElementById('commune'); s.value=s.options[1].value")
        assert page.js("(document.getElementById('office')||{value:''}).value") == ""
    if country:
        page.js(f"document.getElementById('country').value='{country}'")
        assert page.js("document.getElementById('country').value") == country, country
    for field, value in (values or VALUES[lang]).items():
        page.js(f"document.getElementById('{field}').focus()")
        if value:
            page.call("Input.insertText", text=value)  # typed, as a person would
    page.shot(f"{out}/{tag}-1-form.png")
    page.navigate_by("document.querySelector('form button[type=submit]').click()")
    fee = page.js("(document.getElementById('fee')||{}).textContent")
    if not fee:
        page.shot(f"{out}/{tag}-error.png")
        errs = page.js("Array.from(document.querySelectorAll('.err')).map(e=>e.id+': '+e.textContent).join('; ')")
        raise RuntimeError(f"{lang}: no review page; errors: {errs}")
    page.shot(f"{out}/{tag}-2-review.png")
    # what the review page lists before paying: each document with its copies, the sum
    page.review = (fee, page.js("Array.from(document.querySelectorAll('#lines tr[data-doc]'))"
                                ".map(r => r.dataset.doc + ' x' + r.cells[1].textContent)"
                                ".join(', ')"))
    if lang == "fr" and not values:
        assert "Bureau annexe Diour Jamaa" in page.js("document.body.innerText"), \
            "the review page does not name the chosen office"
    page.navigate_by("document.getElementById('pay').click()")
    assert "Sandbox Bank" in page.js("document.title"), page.js("document.title")
    page.js("document.getElementById('card').focus()")
    page.call("Input.insertText", text="4000000000000002")
    page.shot(f"{out}/{tag}-3-gateway.png")
    page.navigate_by("document.getElementById('paybtn').click()")
    tracking = page.js("(document.getElementById('tracking')||{}).textContent")
    secret = page.js("(document.getElementById('secret')||{}).textContent")
    page.shot(f"{out}/{tag}-4-confirmation.png")
    if not tracking or not secret:
        raise RuntimeError(f"{lang}: confirmation lacks codes: {page.js('document.body.innerText')}")
    assert page.js("document.documentElement.lang") == lang
    # and the tracking page from the confirmation's button
    page.navigate_by("document.querySelector('form[action=\"/track\"] button').click()")
    state = page.js("document.getElementById('state').dataset.state")
    page.shot(f"{out}/{tag}-5-tracking.png")
    print(f"ok - {lang}: fee {fee}, confirmation {tracking} / {secret}, tracking says {state}")
    return tracking, secret, state


def cancel(page, lang, out):
    """Cancels from the tracking page the browser is on; the state and refund it shows."""
    page.js("document.getElementById('confirm').click()")
    page.navigate_by("document.getElementById('cancelbtn').click()")
    state = page.js("document.getElementById('state').dataset.state")
    refund = page.js("(document.getElementById('refund')||{dataset:{}}).dataset.state")
    page.shot(f"{out}/{lang}-6-cancelled.png")
    print(f"ok - {lang}: cancelled from the tracking page: {state}, refund {refund}")
    return state, refund


class Browser:
    """A headless Chromium on a fresh profile and one page of it, driven over CDP;
    `with Browser() as page:` stops it and removes the profile at the end."""

    def __enter__(self):
        self.profile = tempfile.mkdtemp(prefix="watiqa-chromium-")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            portfile = os.path.join(self.profile, "DevToolsActivePort")
            for _ in range(200):
                if os.path.exists(portfile) and open(portfile).read().strip():
                    break
                time.sleep(0.1)
            port = open(portfile).read().split()[0]
            req = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank",
                                         method="PUT")
            target = json.load(urllib.request.urlopen(req, timeout=10))
            page = Page(target["webSocketDebuggerUrl"])
            page.call("Page.enable")
            page.call("Runtime.enable")
            return page
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    base, out = sys.argv[1].rstrip("/"), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with Browser() as page:
        results = []
        for lang in ("fr", "ar"):
            results.append(order(page, base, lang, out))
            if lang == "fr":
                state, refund = cancel(page, lang, out)
                assert state == "cancelled", state
                assert refund in ("refund_owed", "refund_sent", "refunded"), refund
        for tracking, secret, state in results:
            assert state == "paid", state
        return 0


if __name__ == "__main__":
    sys.exit(main())
