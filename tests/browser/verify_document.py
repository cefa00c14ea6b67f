#!/usr/bin/env python3
"""verify_document.py - an administration checks a document's verification code on
/verify in a real headless Chromium with JavaScript switched off (the page must not need
it), on a phone-sized screen, in French and in Arabic: the code is typed into the form,
Enter submits it, and the answer says valid with the initials.  Screenshots go to
OUT_DIR/verify-<lang>.png.

usage: verify_document.py BASE_URL OUT_DIR CODE INITIALS   (exits 0 when both answer)"""
import os, sys

from citizen_order import Browser


def check(page, base, lang, code, initials, out):
    page.call("Emulation.setScriptExecutionDisabled", value=True)
    page.call("Emulation.setDeviceMetricsOverride", width=360, height=740,
              deviceScaleFactor=2, mobile=True)
    page.events.clear()
    page.call("Page.navigate", url=f"{base}/verify?lang={lang}")
    page.wait_event("Page.loadEventFired")
    doc = page.call("DOM.getDocument")["root"]["nodeId"]
    field = page.call("DOM.querySelector", nodeId=doc, selector="#code")["nodeId"]
    assert field, "no code field"
    page.call("DOM.focus", nodeId=field)
    page.call("Input.insertText", text=code.lower())  # typed, in lower case
    page.events.clear()
    for kind in ("keyDown", "keyUp"):  # Enter submits the form, no script involved
        page.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                  windowsVirtualKeyCode=13, text="\r" if kind == "keyDown" else "")
    page.wait_event("Page.loadEventFired")
    page.shot(f"{out}/verify-{lang}.png")
    doc = page.call("DOM.getDocument")["root"]["nodeId"]
    html = page.call("DOM.getOuterHTML", nodeId=doc)["outerHTML"]
    assert 'data-valid="valid"' in html, f"{lang}: not valid: {html[:2000]}"
    assert f'id="initials" class="ltr">{initials}<' in html, f"{lang}: initials"
    assert ('dir="rtl"' in html) == (lang == "ar"), f"{lang}: direction"
    print(f"ok - {lang}: Chromium without JavaScript typed {code.lower()}: valid, {initials}")


def main():
    base, out, code, initials = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
    os.makedirs(out, exist_ok=True)
    with Browser() as page:
        page.call("DOM.enable")
        for lang in ("fr", "ar"):
            check(page, base, lang, code, initials, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
