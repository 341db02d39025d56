package io.fhirflow.stack;

/**
 * A process for {@link DaemonProcessTest} that runs until it is signalled, or exits at once with
 * "exit".
 */
public final class BlockingMain {

  private BlockingMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("exit")) {
      System.out.println("leaving at once");
      return;
    }
    Thread.currentThread().join();
  }
}
