#!/usr/bin/python3
"""tests/bench/worst.py HOME: make the worst directory an account can build.

HOME/worst is the top of a chain of DEPTH (300) nested directories,
worst/d/d/.../d; the deepest one holds a directory x (the only entry that
is not a link, named to sort after them) and LINKS (1,000) symbolic links
of the kinds that cost the panel's link resolver most, interleaved by
name (l-0000-dots, l-0001-climb, l-0002-hop...) so that a page of them
mixes the kinds:

- dots: "x/../x/../.../x", up to 4,000 bytes: each "x" is looked at and
  opened, each ".." closes it again;
- climb: runs of "../" up the whole chain (to the Home, some of them out
  of it into the directory holding the Homes and back in by the Home's
  name), then back down "d/d/..." to the deepest directory, again and
  again up to 4,000 bytes, each climb of another height;
- hop: chains of HOP_LENGTH (40) links, each pointing to the next after a
  long run of "x/../" (the chains alternate: targets of about 500 bytes,
  so that the 40 hops fit the panel's steps for one link, and of about
  4,000 bytes, so that they do not); the last link of a chain points to x.
  The 333 links of this kind make 8 chains of 40 and one of 13.

Prints the Home-relative path of the deepest directory. The tree is made
by the caller (the account's owner), readable by everyone.
"""
import os
import sys

DEPTH = 300
LINKS = 1000
HOP_LENGTH = 40
TARGET_MAX = 4000
KINDS = ("dots", "climb", "hop")


def dots(length, tail="x"):
    """Repeat "x/../" then end with tail, the whole at most length bytes."""
    return "x/../" * ((length - len(tail)) // 5) + tail


def climb(home, i):
    """A target of link i climbing the chain and coming back down, several
    times, each climb of another height, at most TARGET_MAX bytes."""
    parts = []
    size = 0
    n = 0
    while True:
        # the whole chain up to the Home; every third one beyond it and
        # back in through the Home's name; others part way up
        if n % 3 == 0:
            up = DEPTH
            down = "worst/" + "d/" * (DEPTH - 1)
        elif n % 3 == 1:
            up = DEPTH + 1
            down = os.path.basename(home) + "/worst/" + "d/" * (DEPTH - 1)
        else:
            up = 40 + (i * 7 + n * 53) % (DEPTH - 40)
            down = "d/" * up
        part = "../" * up + down
        if size + len(part) + 1 > TARGET_MAX:
            break
        parts.append(part)
        size += len(part)
        n += 1
    return "".join(parts) + "x"


def link_name(i):
    """The name of link i: its number and its kind."""
    return "l-%04d-%s" % (i, KINDS[i % len(KINDS)])


def make_worst(home):
    """Make the chain, x and the links; return the deepest directory's
    Home-relative path."""
    os.umask(0o022)
    rel = "/".join(["worst"] + ["d"] * (DEPTH - 1))
    deepest = os.path.join(home, rel)
    os.makedirs(deepest, 0o755)
    os.mkdir(os.path.join(deepest, "x"), 0o755)
    hops = [i for i in range(LINKS) if KINDS[i % len(KINDS)] == "hop"]
    chains = [hops[k:k + HOP_LENGTH] for k in range(0, len(hops), HOP_LENGTH)]
    target = {}
    for c, chain in enumerate(chains):
        length = 500 if c % 2 == 0 else TARGET_MAX
        for k, i in enumerate(chain):
            nxt = link_name(chain[k + 1]) if k + 1 < len(chain) else "x"
            target[i] = dots(length, nxt)
    dirfd = os.open(deepest, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i in range(LINKS):
            kind = KINDS[i % len(KINDS)]
            if kind == "dots":
                t = dots(TARGET_MAX)
            elif kind == "climb":
                t = climb(home, i)
            else:
                t = target[i]
            assert len(t) <= TARGET_MAX
            os.symlink(t, link_name(i), dir_fd=dirfd)
    finally:
        os.close(dirfd)
    return rel


def main(argv):
    """Parse HOME and make the tree."""
    if len(argv) != 2:
        sys.stderr.write("usage: worst.py HOME\n")
        return 2
    print(make_worst(os.path.realpath(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
