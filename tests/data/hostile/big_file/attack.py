"""Write a 100 MB file."""

chunk = b"\0" * (1024 * 1024)
with open("big.bin", "wb") as handle:
    for _ in range(100):
        handle.write(chunk)
print("wrote 100 MB")
