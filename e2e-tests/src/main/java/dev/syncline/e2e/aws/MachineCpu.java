package dev.syncline.e2e.aws;

import java.lang.management.ManagementFactory;

/**
 * The machine's recent CPU use, from 0 to 1, smoothed over about half a second: sampled by one
 * thread (the JDK measures each sample since the previous one), read by any.
 */
final class MachineCpu {

  private static final double WEIGHT = 0.2;

  private final com.sun.management.OperatingSystemMXBean os =
      ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
  private volatile double load;

  /** Takes one sample; call it at a steady rate from one thread. */
  void sample() {
    double now = os == null ? -1 : os.getCpuLoad();
    if (now >= 0) {
      load = load + WEIGHT * (now - load);
    }
  }

  /** The smoothed CPU use, 0 when the JDK cannot tell. */
  double load() {
    return load;
  }
}
