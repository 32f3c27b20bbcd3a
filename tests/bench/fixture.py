#!/usr/bin/python3
"""tests/bench/fixture.py HOME COUNT...: make the benchmark's Home tree.

For each COUNT, HOME/dCOUNT (d1000, d10000, d100000) holds exactly COUNT
entries whose names interleave the kinds when sorted by name:

- about 0.5 % directories;
- about 10 % symbolic links, a fifth of each kind: relative to a file
  beside it, relative up into HOME/shared, absolute into HOME/shared,
  absolute into Web (HOME/public_html), absolute outside the roots
  (/usr/share/doc); one link in 25 dangles instead;
- the rest regular files of varied sizes, made sparse (no disk used).

HOME also gets public_html and public_ftp (the Web and FTP roots), shared
(targets of the links) and work (an empty directory for Create Link and
Delete). Everything is readable by everyone, so nginx can serve it.
"""
import os
import sys

PREFIXES = ("report", "photo", "index", "backup", "notes", "data", "invoice")
SIZES = (0, 1, 17, 512, 1023, 4096, 70000, 1 << 20, 3 << 20, 52428800, 5 << 30)


def entry_name(i, kind):
    """The name of entry i of the given kind ('dir', 'link' or 'file')."""
    ext = {"dir": "", "link": ".lnk", "file": ".dat"}[kind]
    return "%s-%06d%s" % (PREFIXES[i % len(PREFIXES)], i, ext)


def entry_kind(i):
    """What entry i is: a directory, a link or a file."""
    if i % 200 == 7:
        return "dir"
    if i % 10 == 3:
        return "link"
    return "file"


def link_target(home, i, count):
    """The target of link i: one of five kinds, or a dangling one."""
    n = i // 10
    if n % 25 == 0:
        return "missing-%06d" % i
    kind = n % 5
    if kind == 0:
        j = (i + 1) % count  # i % 10 == 3, so i + 1 is a file
        return entry_name(j, entry_kind(j))
    if kind == 1:
        return "../shared/target.txt"
    if kind == 2:
        return os.path.join(home, "shared", "dir")
    if kind == 3:
        return os.path.join(home, "public_html", "index.html")
    return "/usr/share/doc"


def make_dir(home, count):
    """Fill HOME/dCOUNT with count entries."""
    path = os.path.join(home, "d%d" % count)
    os.mkdir(path, 0o755)
    dirfd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i in range(count):
            kind = entry_kind(i)
            name = entry_name(i, kind)
            if kind == "dir":
                os.mkdir(name, 0o755, dir_fd=dirfd)
            elif kind == "link":
                os.symlink(link_target(home, i, count), name, dir_fd=dirfd)
            else:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=dirfd)
                os.ftruncate(fd, SIZES[i % len(SIZES)])
                os.close(fd)
    finally:
        os.close(dirfd)


def make_home(home, counts):
    """Make HOME and its fixed parts, then one directory per count."""
    os.umask(0o022)
    os.makedirs(home, 0o755, exist_ok=True)
    for sub in ("public_html", "public_ftp", "shared", "shared/dir", "work"):
        os.mkdir(os.path.join(home, sub), 0o755)
    with open(os.path.join(home, "shared", "target.txt"), "w") as f:
        f.write("the target of many links\n")
    with open(os.path.join(home, "public_html", "index.html"), "w") as f:
        f.write("<!doctype html><title>bench</title>\n")
    for count in counts:
        make_dir(home, count)


def main(argv):
    """Parse HOME COUNT... and make the tree."""
    if len(argv) < 3 or not all(a.isdigit() and int(a) > 0 for a in argv[2:]):
        sys.stderr.write("usage: fixture.py HOME COUNT...\n")
        return 2
    make_home(os.path.realpath(argv[1]), [int(a) for a in argv[2:]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
