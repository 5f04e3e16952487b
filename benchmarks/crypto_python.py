#!/usr/bin/env python3
"""Python `cryptography` (OpenSSL) Fernet throughput on a 1 KiB field, the reference for
benchmarks/crypto.sh. Same protocol as CareFlowCore's CryptoBenchmark.fernet: each phase runs
ITERATIONS operations or stops after TIME_LIMIT seconds, whichever comes first.

usage: benchmarks/crypto_python.py [ITERATIONS=100000] [TIME_LIMIT=2]
prints: "python fernet encrypt_per_s=N decrypt_per_s=N" (the format of `careflow bench crypto`)
"""
import os
import sys
import time

from cryptography import __version__ as cryptography_version
from cryptography.fernet import Fernet

FIELD_SIZE = 1024


def phase(operation, iterations, time_limit):
    done = 0
    start = time.perf_counter()
    deadline = start + time_limit
    while done < iterations:
        operation()
        done += 1
        if done & 255 == 0 and time.perf_counter() > deadline:
            break
    return done / max(time.perf_counter() - start, 1e-9)


def main():
    iterations = max(1, int(sys.argv[1])) if len(sys.argv) > 1 else 100_000
    time_limit = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    fernet = Fernet(Fernet.generate_key())
    plaintext = os.urandom(FIELD_SIZE)
    token = fernet.encrypt(plaintext)
    assert fernet.decrypt(token) == plaintext
    encrypt = phase(lambda: fernet.encrypt(plaintext), iterations, time_limit)
    decrypt = phase(lambda: fernet.decrypt(token), iterations, time_limit)
    print(f"# Python {sys.version.split()[0]}, cryptography {cryptography_version}, "
          f"{FIELD_SIZE}-byte field, up to {iterations} iterations per phase")
    print(f"python fernet encrypt_per_s={round(encrypt)} decrypt_per_s={round(decrypt)}")


if __name__ == "__main__":
    main()
