package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The {@code /ops/} page in a real browser (headless Chromium driven by Selenium) against the
 * running bridge: the login, a batch moving to 100 %, a dead notification replayed from its
 * button, intake suspended and resumed from its buttons (checked on the CamelContext, not only on
 * the page), each action logged with the operator's name. Leaves {@code target/ops-console.png}.
 * Skipped when Chromium is not installed, except in CI ({@code CI=true}), where it fails instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class OpsConsoleBrowserTest extends MonitoringContext {
    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() {
        String chromium = firstExisting(CHROMIUM);
        String driver = firstExisting(DRIVER);
        if (chromium == null || driver == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true but chromium/chromedriver are missing (.ci/run installs them)");
            }
            Assumptions.abort("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1900", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorWatchesABatchToTheEndReplaysADeadNotificationAndPausesIntakeFromThePage(CapturedOutput output)
            throws Exception {
        // without the login there is no page
        assertThat(http().get("/ops/").status()).isEqualTo(401);
        assertThat(http().getWithPassword("/ops/", "not-the-password").status()).isEqualTo(401);
        browser.get("http://" + BridgeTestSupport.OPS_USER + ":" + BridgeTestSupport.OPS_PASSWORD + "@127.0.0.1:" + port
                + "/ops/?refresh=1");
        // the page redraws its tables every second: an element found just before a redraw goes stale, look again
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.until(ExpectedConditions.textToBe(By.id("health"), "UP"));
        wait.until(d -> !d.findElements(By.cssSelector("#routes tr[data-route='withdrawal-intake']")).isEmpty());

        // the ERP refuses every delivery: the batch's notifications end DEAD after two attempts
        erp.failNext(1_000_000);
        String file = "console-payouts.csv";
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), file, withdrawals("CON-W", 4));
        By pct = By.cssSelector("#batches tr[data-file='" + file + "'] .pct");
        List<String> seen = new ArrayList<>();
        wait.withTimeout(Duration.ofSeconds(60)).until(d -> {
            List<WebElement> found = d.findElements(pct);
            if (found.isEmpty()) {
                return false;
            }
            String text = found.get(0).getText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(text)) {
                seen.add(text);
            }
            return text.equals("100 %");
        });
        assertThat(seen.get(0)).as("progress seen %s", seen).isNotEqualTo("100 %");
        long batchId = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = ?", Long.class, file);
        List<String> cells = wait.until(d -> {
            WebElement row = d.findElement(By.cssSelector("#batches tr[data-batch-id='" + batchId + "']"));
            List<String> texts = new ArrayList<>();
            texts.add(row.getText());
            row.findElements(By.tagName("td")).forEach(td -> texts.add(td.getText()));
            return texts;
        });
        assertThat(cells.get(0)).contains(file, "WITHDRAWAL");
        assertThat(cells.get(1 + 4)).isEqualTo("4");  // final
        assertThat(cells.get(1 + 5)).isEqualTo("1");  // invalid

        // a dead notification of that batch, replayed from its button once the ERP takes deliveries again
        String deadId = await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT id FROM outbox_event WHERE batch_id = ? AND event_type = 'batch.finished' AND state = 'DEAD'",
                String.class, batchId), ids -> ids.size() == 1).get(0);
        erp.failNext(0);
        By replay = By.cssSelector("button[data-action='replay'][data-event='" + deadId + "']");
        wait.until(ExpectedConditions.elementToBeClickable(replay)).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(jdbc.queryForObject(
                "SELECT state FROM outbox_event WHERE id = ?", String.class, deadId)));
        assertThat(erp.received().stream().filter(n -> deadId.equals(n.eventId()))).hasSize(1);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(replay));

        // intake paused and resumed from the page; the CamelContext says so, not only the page
        clickAndConfirm(wait, By.cssSelector("button[data-action='suspend'][data-route='charge-intake']"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                camel.getRouteController().getRouteStatus("charge-intake") == ServiceStatus.Suspended);
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#routes tr[data-route='charge-intake'] .state"),
                "Suspended"));
        clickAndConfirm(wait, By.cssSelector("button[data-action='resume'][data-route='charge-intake']"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                camel.getRouteController().getRouteStatus("charge-intake") == ServiceStatus.Started);
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#routes tr[data-route='charge-intake'] .state"),
                "Started"));

        // every action in the log with the operator's name; the page shows masked accounts only
        assertThat(output.getAll()).contains(
                "Operator ops: POST /actuator/outbox/" + deadId + "/replay -> 200",
                "Operator ops: POST /actuator/camelroutes/charge-intake/suspend -> 204",
                "Operator ops: POST /actuator/camelroutes/charge-intake/resume -> 204");
        assertThat(browser.getPageSource()).doesNotContain("6222020200112200001");
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();

        Path shot = Path.of("target/ops-console.png");
        Files.createDirectories(shot.getParent());
        File taken = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(taken.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    private static void clickAndConfirm(WebDriverWait wait, By button) {
        wait.until(ExpectedConditions.elementToBeClickable(button)).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
    }

    private static String firstExisting(List<String> paths) {
        return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    }
}
