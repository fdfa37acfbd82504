package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kycgo/argos"
)

// webhookSamples are the vendor's webhook samples, one per trigger, as the
// docs publish them (copies of the SDK's testdata/webhooks, checked equal
// by the tests).
//
//go:embed webhooksamples/*.json
var webhookSamples embed.FS

// sampleTriggers are the triggers with a sample, sorted.
var sampleTriggers = func() []string {
	entries, _ := webhookSamples.ReadDir("webhooksamples")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(out)
	return out
}()

// forwardTimeout bounds one request to a receiver (trigger and forwarding).
const forwardTimeout = 10 * time.Second

func init() {
	register(&command{
		name: "webhooks trigger", args: "TRIGGER", argValues: sampleTriggers, run: runWebhooksTrigger,
		summary: "send a sample webhook of TRIGGER, in the vendor's shape, to a receiver under test (--to URL)",
	})
}

// runWebhooksTrigger POSTs the sample of a trigger to --to, encrypted with
// --encrypt as a project with Secure Data Transmission sends it, and
// prints the receiver's status. A status other than 2xx exits 1.
func runWebhooksTrigger(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(withJSON)
	to := fs.String("to", "", "the receiver's `URL` (http or https; required)")
	encrypt := fs.Bool("encrypt", false, "send the body encrypted with $"+envAPIKey+", as {\"data\": …}, as a project with Secure Data Transmission does")
	keyFile := fs.String("key-file", "", "`FILE` holding the key for --encrypt instead of $"+envAPIKey+" (implies --encrypt)")
	pos, err := a.parse(fs, args, 1)
	if err != nil {
		return err
	}
	trigger := pos[0]
	if !slices.Contains(sampleTriggers, trigger) {
		return usagef("TRIGGER must be one of %s", strings.Join(sampleTriggers, ", "))
	}
	if err := checkReceiverURL("--to", *to); err != nil {
		return err
	}
	body, err := webhookSamples.ReadFile("webhooksamples/" + trigger + ".json")
	if err != nil {
		return fmt.Errorf("reading the sample: %w", err)
	}
	if *encrypt || *keyFile != "" {
		key, err := a.secretKey(*keyFile)
		if err != nil {
			return err
		}
		if body, err = encryptedWebhook(key, body); err != nil {
			return err
		}
	}
	hc := newReceiverClient()
	defer hc.CloseIdleConnections()
	status, err := postWebhook(ctx, hc, *to, "application/json", body)
	if err != nil {
		return fmt.Errorf("sending the %s webhook: %w", trigger, err)
	}
	if a.json {
		err = a.printJSON(map[string]any{"trigger": trigger, "url": *to, "status": status})
	} else {
		_, err = fmt.Fprintf(a.stdout, "sent %s to %s: %d %s\n", trigger, visible(*to), status, http.StatusText(status))
	}
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return fmt.Errorf("the receiver answered %d %s", status, http.StatusText(status))
	}
	return nil
}

// checkReceiverURL checks the URL of a receiver: absolute http or https.
func checkReceiverURL(flag, u string) error {
	if u == "" {
		return usagef("%s URL is required", flag)
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return usagef("%s must be an http:// or https:// URL", flag)
	}
	return nil
}

// encryptedWebhook returns body as a project with Secure Data Transmission
// sends it: {"data": "<Base64>"}, encrypted with key.
func encryptedWebhook(key string, body []byte) ([]byte, error) {
	ct, err := argos.EncryptPayload(key, body)
	if err != nil {
		return nil, fmt.Errorf("encrypting the sample: %w", err)
	}
	b, err := json.Marshal(map[string]string{"data": ct})
	if err != nil {
		return nil, fmt.Errorf("encrypting the sample: %w", err)
	}
	return b, nil
}

// newReceiverClient returns a client for the receivers webhooks are sent
// to, with its own connections (closed with CloseIdleConnections).
func newReceiverClient() *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment}}
}

// postWebhook POSTs body to u, as Argos sends a webhook, and returns the
// receiver's status. The answer's body is read (at most 64 KiB) and
// dropped.
func postWebhook(ctx context.Context, hc *http.Client, u, contentType string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if contentType == "" {
		contentType = "application/json"
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "argos-cli/"+argos.Version)
	resp, err := hc.Do(req) //nolint:gosec // the operator names the receiver
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
