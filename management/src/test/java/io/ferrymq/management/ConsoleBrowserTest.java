package io.ferrymq.management;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console end to end in a real browser: Debian's headless Chromium driven through Selenium and Debian's
 * chromedriver (bin/run-tests installs both). Screenshots go to target/console-screenshots. Tagged system: starting
 * the browser alone takes half a minute on a busy machine ({@code mvn -Psystem}).
 */
@Tag("system")
class ConsoleBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private WebDriver browser;
    private String testName;

    @BeforeEach
    void openBrowser(TestInfo info) {
        testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("console");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        if (browser != null) {
            screenshot("last");
            browser.quit();
        }
    }

    private void screenshot(String step) throws Exception {
        Path dir = Path.of("target", "console-screenshots");
        Files.createDirectories(dir);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(testName + "-" + step + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private Connection amqp() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection("console-test-client");
    }

    private void logIn() {
        browser.get("http://127.0.0.1:" + broker.port("management") + "/");
        WebDriverWait wait = waiting();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user"))).sendKeys("admin");
        browser.findElement(By.id("login-password")).sendKeys(ManagementBroker.PASSWORD);
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "admin"));
    }

    /** Waits that look again when the console re-rendered an element under them (it refreshes every 5 s). */
    private WebDriverWait waiting() {
        WebDriverWait w = new WebDriverWait(browser, WAIT);
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    private void tab(String name) {
        click(By.cssSelector("#tabs button[data-tab='" + name + "']"));
    }

    /** Clicks, finding the element again if a refresh replaced it before the click landed. */
    private void click(By what) {
        waiting().until(d -> {
            d.findElement(what).click();
            return true;
        });
    }

    private String cell(String queue, String column) {
        return browser.findElement(By.cssSelector("tr[data-queue='" + queue + "'] td." + column)).getText();
    }

    @Test
    void anOperatorLogsInSeesAQueueAClientFilledAndPurgesIt() throws Exception {
        try (Connection c = amqp()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("browser.orders", true, false, false, null);
            for (int i = 0; i < 2; i++) {
                ch.basicPublish("", "browser.orders", null, ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
            await().atMost(WAIT).until(() -> api.get("/api/queues/%2F/browser.orders").json().path("messages").asLong() == 2);

            logIn();
            WebDriverWait wait = waiting();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("overview-facts"), "Queues"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("overview-facts"),
                    "single node (no HA pair)"));
            screenshot("overview");

            tab("queues");
            wait.until(d -> !d.findElements(By.cssSelector("tr[data-queue='browser.orders']")).isEmpty());
            assertThat(cell("browser.orders", "ready")).isEqualTo("2");

            click(By.cssSelector("tr[data-queue='browser.orders'] button.browse"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("browse-messages"), "order 0"));
            screenshot("browse");

            click(By.cssSelector("tr[data-queue='browser.orders'] button.purge"));
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(d -> cell("browser.orders", "ready").equals("0"));
            screenshot("purged");
            assertThat(api.get("/api/queues/%2F/browser.orders").json().path("messages").asLong()).isZero();
        }
    }

    @Test
    void anOperatorClosesAClientsConnection() throws Exception {
        Connection c = amqp();
        try {
            logIn();
            tab("connections");
            WebDriverWait wait = waiting();
            wait.until(d -> !d.findElements(By.cssSelector("#connection-rows tr")).isEmpty());
            waiting().until(d -> d.findElement(By.cssSelector("#connection-rows tr")).getText().contains("app"));
            assertThat(browser.findElement(By.cssSelector("#connection-rows tr")).getText()).contains("amqp");
            screenshot("connections");
            click(By.cssSelector("#connection-rows tr button.close"));
            await().atMost(WAIT).until(() -> !c.isOpen());
            wait.until(d -> d.findElements(By.cssSelector("#connection-rows tr")).isEmpty());
        } finally {
            c.abort();
        }
    }
}
