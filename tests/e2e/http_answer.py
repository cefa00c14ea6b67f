"""http_answer.py - the e2e stories' reader of one HTTP/1.1 answer on a raw socket (a
Content-Length body), for stories that hold their own connections open to the server
(web_connection_limit, web_workers_spread).  Imported by their inline Python."""


def read_answer(c):
    """The answer's status line (bytes), its body read and dropped; None if the server
    closed the connection before a whole head."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    n = int([l.split(b":")[1] for l in head.split(b"\r\n")
             if l.lower().startswith(b"content-length:")][0])
    while len(body) < n:
        chunk = c.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head.split(b"\r\n")[0]
