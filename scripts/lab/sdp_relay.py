#!/usr/bin/python3
"""A signalling relay on the public segment for two peers that are both
behind NAT: bytes written to IN_PORT reach whoever connects to OUT_PORT, for
each IN:OUT pair given.  Bytes that arrive before a reader are kept for it.
Exits after SECONDS.  Usage: sdp_relay.py SECONDS IN:OUT [IN:OUT ...]"""
import socket
import sys
import threading
import time


class Pipe:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = b""
        self.readers = []

    def write(self, data):
        with self.lock:
            if not self.readers:
                self.pending += data
                return
            for r in list(self.readers):
                try:
                    r.sendall(data)
                except OSError:
                    self.readers.remove(r)

    def add_reader(self, conn):
        with self.lock:
            if self.pending:
                conn.sendall(self.pending)
                self.pending = b""
            self.readers.append(conn)


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(4)
    return s


def serve_in(sock, pipe):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=copy_in, args=(conn, pipe), daemon=True).start()


def copy_in(conn, pipe):
    while True:
        data = conn.recv(65536)
        if not data:
            return
        pipe.write(data)


def serve_out(sock, pipe):
    while True:
        conn, _ = sock.accept()
        pipe.add_reader(conn)


def main():
    seconds = float(sys.argv[1])
    for pair in sys.argv[2:]:
        i, o = (int(p) for p in pair.split(":"))
        pipe = Pipe()
        threading.Thread(target=serve_in, args=(listen(i), pipe), daemon=True).start()
        threading.Thread(target=serve_out, args=(listen(o), pipe), daemon=True).start()
        print(f"relaying {i} -> {o}", flush=True)
    time.sleep(seconds)


if __name__ == "__main__":
    main()
