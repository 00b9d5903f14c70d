"""Allocate memory until something gives."""

hoard = []
while True:
    hoard.append(bytearray(64 * 1024 * 1024))
    print("allocated", len(hoard) * 64, "MiB", flush=True)
