"""Peer benchmarking: city profiles, the peer pool, k-NN peers and advice.

Pure: imports the rules package, never the web package; no I/O beyond explicit file helpers.
"""
