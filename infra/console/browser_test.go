package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/foccolojas/promob-integration/infra/console"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/localstack"
)

var local *localenv.Env

func TestMain(m *testing.M) {
	localenv.MainForTest(m, func(e *localenv.Env) { local = e })
}

// chromium returns Debian's headless-capable Chromium, or fails the test
// saying how to install it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the browser test needs Chromium: apt-get install chromium (.ci/run installs it)")
	return ""
}

// TestConsoleInABrowser drives the console in headless Chromium through the
// article's update loop: the console is served from an origin of its own,
// so every call it makes to the API and to the simulator crosses origins
// and passes CORS for real. A save in (simulated) Promob appears as a
// notification; clicking it updates the environment; the new version shows
// as the latest, with the green icon.
func TestConsoleInABrowser(t *testing.T) {
	browser := chromium(t)
	var page atomic.Pointer[http.Handler]
	consoleSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := page.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.Error(w, "not ready", http.StatusServiceUnavailable)
	}))
	t.Cleanup(consoleSrv.Close)

	st := localstack.StartForTest(t, localstack.Config{
		StackName:      localstack.UniqueName("console"),
		DynamoEndpoint: local.DynamoEndpoint,
		SQSEndpoint:    local.SQSEndpoint,
		AWS:            local.AWSConfig(),
		// Only the console's own origin: its calls succeed through CORS.
		Parameters:                map[string]string{"AllowedOrigins": consoleSrv.URL},
		VisibilityTimeoutOverride: 2,
		Log:                       t.Output(),
	})
	var h http.Handler = console.Handler(st.URL(), st.SimURL(), st.ConsoleToken)
	page.Store(&h)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.Flag("headless", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	defer cancel()
	// The browser starts with the first run, on a context without timeout;
	// each step then has a bound of its own.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}

	store := localstack.UniqueName("loja")
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			status, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status"), chromedp.AtLeast(0)))
			t.Fatalf("%s: %v (status line: %q)", what, err, status)
		}
	}
	step("open the console and sign in",
		chromedp.Navigate(consoleSrv.URL+"/"),
		chromedp.SetValue(chromedp.CSS("#store"), store),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("#setup")),
	)
	step("configure the store and its Promob account",
		chromedp.Click(chromedp.CSS("#setup")),
		waitText("#setup-result", "Loja configurada."),
	)
	step("create a client and a project",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[any](`location.hash = "#/clients"`)(ctx, tg)
			return err
		}),
		chromedp.WaitVisible(chromedp.CSS("#create-client")),
		chromedp.Click(chromedp.CSS("#create-client")),
		chromedp.WaitVisible(chromedp.CSS("[data-client]")),
		chromedp.Click(chromedp.CSS("[data-client]")),
		chromedp.WaitVisible(chromedp.CSS("#create-env")),
	)
	step("create an environment, created in Promob in the background",
		chromedp.Click(chromedp.CSS("#create-env")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-status="ready"] a`)),
		chromedp.Click(chromedp.CSS(`tr[data-status="ready"] a`)),
		chromedp.WaitVisible(chromedp.CSS("#promob-save")),
	)
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#versions tr[data-version]").length`))
	if err != nil {
		t.Fatal(err)
	}
	step("save in Promob: the notification appears",
		chromedp.Click(chromedp.CSS("#promob-save")),
		chromedp.WaitVisible(chromedp.CSS(`#notifications li[data-kind="environment.outdated"]`)),
	)
	want := strconv.Itoa(before + 1)
	step("click the notification: the environment is updated and the new version is the latest",
		chromedp.Click(chromedp.CSS(`#notifications li[data-kind="environment.outdated"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#versions tr[data-version="`+want+`"][data-latest="true"] .icon.green`)),
	)
	outdated, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("h1 .icon.yellow")`))
	if err != nil {
		t.Fatal(err)
	}
	if outdated {
		t.Error("the environment still shows the yellow (outdated) icon after the update")
	}
}

// waitText waits until the element's text is want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for {
			got, err := chromedp.Text(chromedp.CSS(sel))(ctx, tg)
			if err != nil {
				return err
			}
			if got == want {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	})
}
