package dev.syncline.e2e.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** PNG charts for the reports, drawn with Java2D (headless): no plotting library needed. */
public final class Charts {

  private static final int W = 900;
  private static final int H = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 30;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  /** One series of a line chart. */
  public record Series(String name, Color color, double[] y) {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /**
   * A histogram of latencies in milliseconds, in {@code bins} equal buckets up to the 99.9th
   * percentile (the rest are counted in the last bucket), with the budget drawn as a line.
   */
  public static void histogram(double[] millis, double budgetMillis, String title, Path png) throws IOException {
    double[] sorted = millis.clone();
    java.util.Arrays.sort(sorted);
    double max = sorted.length == 0 ? 1 : Math.max(1, sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.999))]);
    max = Math.max(max, budgetMillis * 1.1);
    int bins = 60;
    int[] counts = new int[bins];
    for (double m : sorted) {
      counts[Math.min(bins - 1, (int) (m / max * bins))]++;
    }
    int top = 1;
    for (int c : counts) {
      top = Math.max(top, c);
    }
    BufferedImage img = canvas();
    Graphics2D g = img.createGraphics();
    frame(g, title, "publish-to-visible-everywhere (ms)", "intents", max, top);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    g.setColor(new Color(0x3b6ea5));
    for (int i = 0; i < bins; i++) {
      int x = LEFT + i * plotW / bins;
      int w = Math.max(1, plotW / bins - 1);
      int h = (int) ((long) counts[i] * plotH / top);
      g.fillRect(x, TOP + plotH - h, w, h);
    }
    g.setColor(new Color(0xc0392b));
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    int bx = LEFT + (int) (budgetMillis / max * plotW);
    g.drawLine(bx, TOP, bx, TOP + plotH);
    g.drawString("budget " + (int) budgetMillis + " ms", bx + 4, TOP + 14);
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  /** A line chart over time (x in seconds), each series scaled to the common maximum. */
  public static void timeline(double[] seconds, List<Series> series, String title, String yLabel, Path png) throws IOException {
    double xMax = 1;
    for (double s : seconds) {
      xMax = Math.max(xMax, s);
    }
    double yMax = 1;
    for (Series s : series) {
      for (double v : s.y()) {
        yMax = Math.max(yMax, v);
      }
    }
    BufferedImage img = canvas();
    Graphics2D g = img.createGraphics();
    frame(g, title, "seconds since the first intent", yLabel, xMax, yMax);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    int legendY = TOP + 16;
    for (Series s : series) {
      g.setColor(s.color());
      g.setStroke(new BasicStroke(2f));
      for (int i = 1; i < seconds.length && i < s.y().length; i++) {
        int x0 = LEFT + (int) (seconds[i - 1] / xMax * plotW);
        int x1 = LEFT + (int) (seconds[i] / xMax * plotW);
        int y0 = TOP + plotH - (int) (s.y()[i - 1] / yMax * plotH);
        int y1 = TOP + plotH - (int) (s.y()[i] / yMax * plotH);
        g.drawLine(x0, y0, x1, y1);
      }
      g.fillRect(W - RIGHT - 220, legendY - 9, 12, 10);
      g.setColor(Color.DARK_GRAY);
      g.drawString(s.name(), W - RIGHT - 202, legendY);
      legendY += 16;
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  private static BufferedImage canvas() {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.dispose();
    return img;
  }

  private static void frame(Graphics2D g, String title, String xLabel, String yLabel, double xMax, double yMax) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
    g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
    for (int i = 0; i <= 5; i++) {
      int x = LEFT + i * plotW / 5;
      int y = TOP + plotH - i * plotH / 5;
      g.setColor(new Color(0xdddddd));
      g.drawLine(LEFT + 1, y, LEFT + plotW, y);
      g.setColor(Color.BLACK);
      g.drawString(format(xMax * i / 5), x - 10, TOP + plotH + 16);
      g.drawString(format(yMax * i / 5), 8, y + 4);
    }
    g.drawString(xLabel, LEFT + plotW / 2 - 80, H - 12);
    g.drawString(yLabel, 8, TOP - 8);
  }

  private static String format(double v) {
    return v >= 100 || v == Math.rint(v) ? Long.toString(Math.round(v)) : String.format("%.1f", v);
  }
}
