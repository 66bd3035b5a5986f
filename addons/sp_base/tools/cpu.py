"""CPU seconds of a process and of a database backend: the figure of the benchmarks and the
demo generator that does not depend on what else the machine runs (wall seconds do)."""
import os
import time


def process_cpu_seconds(pid):
    """CPU seconds (user + system) used so far by the local process ``pid``, or None when its
    /proc entry cannot be read (another machine, e.g. a remote database server)."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            ticks = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(ticks[11]) + int(ticks[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(cr):
    """CPU seconds used so far by this process and the database backend of ``cr`` together
    (None when the backend's are not readable)."""
    cr.execute("SELECT pg_backend_pid()")
    backend = process_cpu_seconds(cr.fetchone()[0])
    return None if backend is None else time.process_time() + backend
