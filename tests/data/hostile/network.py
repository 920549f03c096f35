# Hostile case: network access: TCP to a port the test listens on at 127.0.0.1, TCP and UDP to
# 1.1.1.1:53, and a DNS lookup.
# Expected: every attempt fails (empty network namespace); the test's listening socket never
# accepts a connection and "CONNECTED" is never printed.
# Bound if uncontained: four attempts with 2 s timeouts, a few bytes each.
import socket

PORT = int("@PORT@")
for address in [("127.0.0.1", PORT), ("1.1.1.1", 53)]:
    try:
        with socket.create_connection(address, timeout=2):
            print(f"CONNECTED {address}")
    except OSError as exc:
        print(f"tcp {address} failed: {exc}")
try:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(2)
        udp.sendto(b"\x00", ("1.1.1.1", 53))
        udp.recvfrom(512)
        print("CONNECTED udp")
except OSError as exc:
    print(f"udp failed: {exc}")
try:
    print("CONNECTED dns", socket.getaddrinfo("example.com", 80))
except OSError as exc:
    print(f"dns failed: {exc}")
