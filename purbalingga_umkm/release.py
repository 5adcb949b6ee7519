"""Which version of the code this process runs, for keys of values one version computes and
another must not read (the figures cache). Read once at start, no Django needed."""

from pathlib import Path


def git_commit(base_dir: Path) -> str:
    """The commit the checkout at `base_dir` stands on (as `git rev-parse HEAD`), read from
    .git without running git; "" when it is not a git checkout or cannot be read."""
    git = base_dir / ".git"
    try:
        if git.is_file():  # a worktree or submodule: "gitdir: <path>"
            git = (base_dir / git.read_text().split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head  # detached: the commit itself
        ref = head.removeprefix("ref: ")
        common = git
        if (git / "commondir").is_file():
            common = (git / (git / "commondir").read_text().strip()).resolve()
        for folder in (git, common):
            if (folder / ref).is_file():
                return (folder / ref).read_text().strip()
        for line in (common / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split(" ", 1)[0]
    except (OSError, IndexError):
        pass
    return ""
