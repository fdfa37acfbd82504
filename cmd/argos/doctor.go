package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{
		name: "doctor", run: runDoctor,
		summary: "check the setup: key and base URL, DNS and TLS, an authenticated read, API version, Secure Data Transmission, clock",
	})
}

// Results of a check.
const (
	checkOK   = "ok"
	checkWarn = "warn" // works, but something is likely to go wrong
	checkFail = "fail"
	checkSkip = "skip" // not checked: an earlier check failed
)

// Limits of the doctor's checks.
const (
	// doctorTimeout bounds each network check.
	doctorTimeout = 15 * time.Second
	// maxSkew is the clock difference from the server's Date that passes.
	maxSkew = 30 * time.Second
)

// check is one line of the doctor's report.
type check struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

// doctor runs the checks in order; later ones use what earlier ones found.
type doctor struct {
	a      *app
	base   *url.URL
	secure bool      // ARGOS_SECURE_TRANSMISSION
	date   time.Time // the server's Date, when an answer had one
	seen   time.Time // a.now() when that answer came
	checks []check
}

// runDoctor checks, in order, and prints one line per check with its fix:
// the configuration (key, base URL, CA file, ARGOS_SECURE_TRANSMISSION),
// that the host resolves and its TLS verifies, an authenticated read
// (telling a refused key from an IP address not on the allow-list), the
// base URL's API version, whether the project has Secure Data Transmission
// on and the CLI matches it, and the clock's skew from the server's Date.
// It exits 1 when a check fails, 0 otherwise (warnings included).
func runDoctor(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(withJSON | withCA)
	if _, err := a.parse(fs, args, 0); err != nil {
		return err
	}
	d := &doctor{a: a}
	if d.config() {
		secure := skipped("secure transmission")
		if d.network(ctx) {
			var auth check
			auth, secure = d.read(ctx)
			d.checks = append(d.checks, auth)
		} else {
			d.skip("auth")
		}
		d.version()
		d.checks = append(d.checks, secure)
	} else {
		d.skip("network", "auth", "version", "secure transmission")
	}
	d.clock()
	if err := d.print(); err != nil {
		return err
	}
	for _, c := range d.checks {
		if c.Status == checkFail {
			return exitCode(exitFailure)
		}
	}
	return nil
}

func (d *doctor) add(name, status, detail, fix string) {
	d.checks = append(d.checks, check{Name: name, Status: status, Detail: detail, Fix: fix})
}

func (d *doctor) skip(names ...string) {
	for _, n := range names {
		d.checks = append(d.checks, skipped(n))
	}
}

func skipped(name string) check {
	return check{Name: name, Status: checkSkip, Detail: "not checked: an earlier check failed"}
}

// config checks what the environment and flags configure, before anything
// is sent.
func (d *doctor) config() bool {
	a := d.a
	key := a.getenv(envAPIKey)
	switch {
	case strings.TrimSpace(key) == "":
		d.add("config", checkFail, envAPIKey+" is not set", "export "+envAPIKey+"=… (the project's API key, from the Argos dashboard)")
		return false
	case strings.TrimSpace(key) != key || strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r >= 0x7f }):
		d.add("config", checkFail, envAPIKey+" holds spaces or control characters (a copy-and-paste slip?)",
			"set "+envAPIKey+" to the key alone")
		return false
	}
	secure, err := a.secureTransmission()
	if err != nil {
		d.add("config", checkFail, err.Error(), "set "+envSecure+"=1 or unset it")
		return false
	}
	d.secure = secure
	if _, err := a.client(); err != nil {
		d.add("config", checkFail, err.Error(), "set "+envBaseURL+" to an https URL such as "+argos.BaseURLV3+
			", and --ca-file or "+envCAFile+" to a PEM file")
		return false
	}
	base := a.baseURL()
	d.base, _ = url.Parse(strings.TrimRight(base, "/")) // the client accepted it
	from := "the default"
	if strings.TrimSpace(a.getenv(envBaseURL)) != "" {
		from = envBaseURL
	}
	d.add("config", checkOK, fmt.Sprintf("%s set; base URL %s (%s)", envAPIKey, base, from), "")
	return true
}

// network resolves the host and makes an HTTPS request to the base URL
// without the key: any answer proves TLS verifies. It keeps the answer's
// Date for the clock check.
func (d *doctor) network(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	host := d.base.Hostname()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.base.String(), http.NoBody)
	if err != nil {
		d.add("network", checkFail, err.Error(), "")
		return false
	}
	resolved := ""
	if proxy, _ := http.ProxyFromEnvironment(req); proxy != nil {
		resolved = "through the proxy " + proxy.Host
	} else {
		addrs, err := net.DefaultResolver.LookupHost(ctx, host)
		if err != nil {
			d.add("network", checkFail, "the host "+host+" does not resolve: "+err.Error(),
				"check the host in "+envBaseURL+" and this machine's DNS")
			return false
		}
		resolved = fmt.Sprintf("%s resolves (%s)", host, strings.Join(addrs, ", "))
	}
	pool, err := d.a.rootCAs()
	if err != nil {
		d.add("network", checkFail, err.Error(), "give --ca-file or "+envCAFile+" a PEM file")
		return false
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		fix := "check the network path to " + d.base.Host + " (firewall, proxy)"
		if errors.As(err, new(*tls.CertificateVerificationError)) {
			fix = "the certificate does not verify: give --ca-file or " + envCAFile +
				" the CA that signs it (argos fake writes one), or check for a TLS-inspecting proxy"
		}
		d.add("network", checkFail, resolved+"; "+err.Error(), fix)
		return false
	}
	_ = resp.Body.Close()
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		d.date, d.seen = t, d.a.now()
	}
	d.add("network", checkOK, resolved+"; TLS verified", "")
	return true
}

// read makes an authenticated read (one submission listed) as the CLI is
// configured, and with the other Secure Data Transmission setting when
// the answer says the project has the other one. It returns the auth and
// the secure transmission checks.
func (d *doctor) read(ctx context.Context) (auth, secure check) {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	auth.Name, secure.Name = "auth", "secure transmission"
	err := d.list(ctx, d.secure)
	mismatch := wantsEncryption(err) && !d.secure || plainAnswer(err) && d.secure
	switch {
	case mismatch && d.list(ctx, !d.secure) == nil:
		auth.Status, auth.Detail = checkOK, "an authenticated read works (with Secure Data Transmission "+onOff(!d.secure)+")"
		secure.Status = checkFail
		if d.secure {
			secure.Detail = "the project has Secure Data Transmission off, and the CLI encrypts (" + envSecure + " is set)"
			secure.Fix = "unset " + envSecure
		} else {
			secure.Detail = "the project has Secure Data Transmission on, and the CLI sends plain requests"
			secure.Fix = "set " + envSecure + "=1"
		}
	case err != nil:
		auth.Status = checkFail
		auth.Detail, auth.Fix = readFailure(err, d.base)
		secure = skipped(secure.Name)
	default:
		auth.Status, auth.Detail = checkOK, "an authenticated read works"
		secure.Status = checkOK
		secure.Detail = "the project has Secure Data Transmission " + onOff(d.secure) + ", and the CLI matches it"
	}
	return auth, secure
}

// list lists one submission.
func (d *doctor) list(ctx context.Context, secure bool) error {
	c, err := d.a.newClient(secure, argos.WithRetryPolicy(argos.RetryPolicy{}))
	if err != nil {
		return err
	}
	_, err = c.ListSubmissions(ctx, &argos.ListSubmissionsParams{Count: 1})
	return err
}

// wantsEncryption reports whether err is the answer of a project with
// Secure Data Transmission on to a plain request.
func wantsEncryption(err error) bool {
	var ae *argos.APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(ae.Message+" "+ae.Code), "decryption is failed")
}

// plainAnswer reports whether err is a plain answer to an encrypted request
// (the project's option is off).
func plainAnswer(err error) bool {
	return errors.Is(err, argos.ErrUnexpectedResponse) && !errors.Is(err, argos.ErrDecrypt)
}

// readFailure explains a failed read and its fix.
func readFailure(err error, base *url.URL) (detail, fix string) {
	var ae *argos.APIError
	isAPI := errors.As(err, &ae)
	switch {
	case errors.Is(err, argos.ErrIPNotAllowed):
		return "the API refused this machine's IP address: it is not on the project's allow-list",
			"add this machine's public IP address to the project's allow-list in the Argos dashboard"
	case isAPI && strings.Contains(strings.ToLower(ae.Message), "missing authentication token"):
		return "the gateway knows no such path: " + base.String() + " is not an API base",
			"set " + envBaseURL + " to the API's base, ending in /v3 (or /v2)"
	case errors.Is(err, argos.ErrForbidden), wantsEncryption(err):
		return "the API refused the key",
			"check " + envAPIKey + ": the project's API key from the Argos dashboard (not the Add-on key, not another project's)"
	case errors.Is(err, argos.ErrDecrypt):
		return "the answer does not decrypt with " + envAPIKey,
			"check " + envAPIKey + ": Secure Data Transmission encrypts with the project's API key"
	}
	return err.Error(), "see the error; run again later if the API answered 5xx or timed out"
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// version tells the API version from the base URL's path.
func (d *doctor) version() {
	path := strings.TrimRight(d.base.Path, "/")
	switch {
	case strings.HasSuffix(path, "/v3"):
		d.add("version", checkOK, "v3: every command is available", "")
	case strings.HasSuffix(path, "/v2"):
		d.add("version", checkWarn, "v2, the deprecated API guide's base: review and purge --fields need v3",
			"set "+envBaseURL+"="+v3Base(d.base.String()))
	default:
		d.add("version", checkWarn, "the base URL's path names no version (/v2 or /v3)",
			"set "+envBaseURL+" to the API's base, such as "+argos.BaseURLV3)
	}
}

// clock compares this machine's clock with the server's Date.
func (d *doctor) clock() {
	if d.date.IsZero() {
		d.add("clock", checkSkip, "no answer with a Date to compare with", "")
		return
	}
	skew := d.seen.Sub(d.date)
	ahead := "ahead of"
	if skew < 0 {
		skew, ahead = -skew, "behind"
	}
	detail := fmt.Sprintf("%s %s the server's", skew.Round(time.Second), ahead)
	if skew > maxSkew {
		d.add("clock", checkWarn, detail+" (more than "+maxSkew.String()+")",
			"synchronise this machine's clock (NTP): dates in logs and --until are compared with the server's")
		return
	}
	d.add("clock", checkOK, detail+" (the Date header has one-second resolution)", "")
}

// print writes the report: a line per check and its fix below it, or JSON.
func (d *doctor) print() error {
	a := d.a
	ok := true
	for _, c := range d.checks {
		ok = ok && c.Status != checkFail
	}
	if a.json {
		return a.printJSON(struct {
			OK     bool    `json:"ok"`
			Checks []check `json:"checks"`
		}{ok, d.checks})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, c := range d.checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Status, c.Name, visible(c.Detail))
		if c.Fix != "" {
			fmt.Fprintf(tw, "\t\tfix: %s\n", visible(c.Fix))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}
