package io.fhirflow.bench.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CPU time of PostgreSQL between two points, read from /proc (Linux only; elsewhere NaN), three
 * ways:
 *
 * <ul>
 *   <li>{@link #ownMicrosPerRow}: the backends serving this JVM's connections (a backend is ours
 *       when its TCP peer is a socket of this process) plus the server's WAL writer, checkpointer
 *       and background writer. The figure to compare: other clients of a shared server do not count
 *       in it (their share of the three background processes still does).
 *   <li>{@link #backendMicrosPerRow}: this JVM's backends alone.
 *   <li>{@link #microsPerRow}: every {@code postgres} process on the machine plus the postmasters'
 *       reaped children, the figure of the runs before 2026-12-05: on a machine where other builds
 *       and tests use PostgreSQL (or run their own servers) it counts their work too, and more of
 *       it the longer a run lasts.
 * </ul>
 *
 * A sampler thread reads the backends every 250 ms, so a backend that exits is counted up to its
 * last sample; the JVM's share is {@code ThreadCpu}'s.
 */
public final class PostgresCpu implements AutoCloseable {

  /** USER_HZ: the unit of /proc/[pid]/stat times on every Linux architecture Java runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final Set<String> BACKGROUND =
      Set.of("checkpointer", "background writer", "walwriter");

  private final int port;
  private final double startSeconds = everyProcessSeconds();

  /** pid → {ticks when first seen (0 for a backend born after the start), ticks when last seen}. */
  private final Map<Long, long[]> backends = new HashMap<>();

  private final Map<Long, long[]> background = new HashMap<>();
  private final Thread sampler;
  private volatile boolean stopped;
  private boolean first = true;

  private PostgresCpu(int port) {
    this.port = port;
    sample();
    first = false;
    sampler =
        new Thread(
            () -> {
              while (!stopped) {
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
                sample();
              }
            },
            "bench-postgres-cpu-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /**
   * @param port the TCP port of the server under test (its backends' local port)
   */
  static PostgresCpu start(int port) {
    return new PostgresCpu(port);
  }

  /** Every postgres process on the machine (the figure of the runs before 2026-12-05). */
  double microsPerRow(long rows) {
    return (everyProcessSeconds() - startSeconds) * 1e6 / rows;
  }

  /** This JVM's backends plus the server's WAL writer, checkpointer and background writer. */
  synchronized double ownMicrosPerRow(long rows) {
    sample();
    return (delta(backends) + delta(background)) / TICKS_PER_SECOND * 1e6 / rows;
  }

  /** This JVM's backends alone. */
  synchronized double backendMicrosPerRow(long rows) {
    sample();
    return delta(backends) / TICKS_PER_SECOND * 1e6 / rows;
  }

  @Override
  public void close() {
    stopped = true;
    sampler.interrupt();
  }

  private static long delta(Map<Long, long[]> seen) {
    return seen.values().stream().mapToLong(t -> t[1] - t[0]).sum();
  }

  private synchronized void sample() {
    Map<Long, long[]> peers = tcpByInode();
    Set<Integer> ourPorts = new HashSet<>();
    for (long inode : socketInodes("self")) {
      long[] local = peers.get(inode);
      if (local != null) {
        ourPorts.add((int) local[0]);
      }
    }
    forEachPostgres(
        (p, f) -> {
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          String name = p.getFileName().toString();
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ').trim();
          if (BACKGROUND.stream().anyMatch(cmd::endsWith) && servesPort(Long.parseLong(f[1]))) {
            record(background, Long.parseLong(name), ticks);
          } else if (isOurs(name, peers, ourPorts)) {
            record(backends, Long.parseLong(name), ticks);
          }
        });
  }

  private void record(Map<Long, long[]> seen, long pid, long ticks) {
    long[] t = seen.computeIfAbsent(pid, k -> new long[] {first ? ticks : 0, ticks});
    t[1] = Math.max(t[1], ticks);
  }

  /** A backend whose socket's local port is the server's and whose peer port is one of ours. */
  private boolean isOurs(String pid, Map<Long, long[]> peers, Set<Integer> ourPorts) {
    for (long inode : socketInodes(pid)) {
      long[] ports = peers.get(inode);
      if (ports != null && ports[0] == port && ourPorts.contains((int) ports[1])) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the postmaster {@code ppid} listens on the port under test (its postmaster.pid says
   * so).
   */
  private final Map<Long, Boolean> postmasters = new HashMap<>();

  private boolean servesPort(long ppid) {
    return postmasters.computeIfAbsent(
        ppid,
        pp -> {
          try {
            String cmd = Files.readString(Path.of("/proc", String.valueOf(pp), "cmdline"));
            String[] args = cmd.split("\0");
            for (int i = 0; i < args.length - 1; i++) {
              if (args[i].equals("-D")) {
                String[] pidFile =
                    Files.readString(Path.of(args[i + 1], "postmaster.pid")).split("\n");
                return pidFile.length > 3 && pidFile[3].trim().equals(String.valueOf(port));
              }
            }
            // a cluster started by pg_ctlcluster: -D names the data directory too; without it, the
            // default port
            return port == 5432;
          } catch (IOException | RuntimeException e) {
            return false;
          }
        });
  }

  private static Set<Long> socketInodes(String pid) {
    Set<Long> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (IOException | RuntimeException gone) {
          // closed while we looked
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    return inodes;
  }

  /** inode → {local port, remote port} of every TCP socket (IPv4 and IPv6). */
  private static Map<Long, long[]> tcpByInode() {
    Map<Long, long[]> out = new HashMap<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length < 10 || f[0].equals("sl")) {
            continue;
          }
          long local = Long.parseLong(f[1].substring(f[1].indexOf(':') + 1), 16);
          long remote = Long.parseLong(f[2].substring(f[2].indexOf(':') + 1), 16);
          out.put(Long.parseLong(f[9]), new long[] {local, remote});
        }
      } catch (IOException | RuntimeException e) {
        // no such table
      }
    }
    return out;
  }

  /**
   * CPU seconds of every {@code postgres} process on the machine so far, exited backends included
   * (their postmaster's children times); NaN without /proc.
   */
  public static double everyProcessSeconds() {
    long[] ticks = {0};
    boolean read =
        forEachPostgres(
            (p, f) -> {
              ticks[0] += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
              if (isPostmaster(f[1])) {
                ticks[0] +=
                    Long.parseLong(f[13])
                        + Long.parseLong(f[14]); // cutime, cstime: exited backends
              }
            });
    return read ? ticks[0] / TICKS_PER_SECOND : Double.NaN;
  }

  private interface PostgresProcess {
    void accept(Path proc, String[] statFields) throws IOException;
  }

  /**
   * Calls {@code each} with every {@code postgres} process's /proc directory and its stat fields
   * after the closing parenthesis (0-based from state: ppid is 1, utime 11). A process that exits
   * while we look is skipped. False when there is no /proc.
   */
  private static boolean forEachPostgres(PostgresProcess each) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          int close = stat.lastIndexOf(')');
          if (stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
            each.accept(p, stat.substring(close + 2).split(" "));
          }
        } catch (IOException | RuntimeException gone) {
          // exited while we looked: counted up to its last sample (or in its postmaster's cutime)
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The postmaster is the postgres process whose parent is not a postgres process. */
  private static boolean isPostmaster(String parentPid) {
    try {
      return !Files.readString(Path.of("/proc", parentPid, "stat")).contains("(postgres)");
    } catch (IOException e) {
      return false;
    }
  }
}
