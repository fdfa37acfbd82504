package argostest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/kycgo/argos"
)

// webhookTimeout bounds one delivery: the receiver must answer within it.
const webhookTimeout = 10 * time.Second

// ErrClosed is returned by WaitWebhooks and FlushWebhooks once the server
// (or handler) is closed: webhooks still queued then are never sent.
var ErrClosed = errors.New("argostest: closed")

// WithWebhookURL makes the fake POST a webhook to url for each transition it
// models, as a project with that Webhook URL would receive them:
//
//   - created: Step 1 made a new submission;
//   - retry: a Step 1 retry, or a Step 2 try that may be retried (retryCode,
//     attempts);
//   - submit: Step 2 held the submission for review (OutcomePending);
//   - approved, rejected: Step 2 decided, SetKYCResult finished a pending
//     submission, or a third failed try rejected it;
//   - aml: after every approval (the fake's project screens approved
//     submissions, "Not Screened") and on SetAMLHits;
//   - delete: DELETE /submission with admin_name, as the API sends it only
//     then.
//   - updated: PATCH /submission (v3), with the fields the edit set;
//   - approved, rejected (and aml): a client review (POST
//     /submission/review, v3) decided a pending submission;
//   - aml_monitor: POST /submission/aml/monitor registered the submission.
//
// The bodies have the shapes of the vendor's samples, carrying only what
// the submission has; argos.ParseWebhook reads them. Delivery is
// asynchronous, like the real service's: one worker sends the webhooks in
// the order the transitions happened (so in order per submission, and in a
// deterministic order overall), each with a 10-second timeout. A failed
// delivery (no answer, or a status other than 2xx) is recorded and not
// retried: Argos does not document its retry policy, and its FAQ advises
// reconciling with GET /submission when a webhook does not arrive, which
// is what a lost webhook here lets a test check. See Webhooks,
// WaitWebhooks and FlushWebhooks. Close stops delivery.
//
// hc sends the webhooks; nil means a client of the fake's own. Pass a test
// receiver's client (httptest.Server.Client) for it to trust the receiver's
// certificate. Close closes hc's idle connections. The real service requires an HTTPS URL; the fake takes http
// URLs too.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/webhooks/overview
func WithWebhookURL(url string, hc *http.Client) ServerOption {
	return func(c *config) {
		c.webhookURL = url
		c.webhookClient = hc
	}
}

// webhookEvent is one queued webhook.
type webhookEvent struct {
	trigger       argos.WebhookTrigger
	submissionID  string
	body, payload []byte
}

// hooks is the fake's webhook queue and the record of its deliveries. A
// single worker goroutine delivers the queue in order; it runs while the
// queue is not empty and is stopped by close.
type hooks struct {
	mu        sync.Mutex
	url       string
	client    *http.Client
	ownClient bool           // client is the fake's own: close its connections
	retired   []*http.Client // clients of the fake's own that setURL replaced
	queue     []webhookEvent
	running   bool // the worker is alive
	queued    int  // events queued so far
	sent      []WebhookDelivery
	changed   chan struct{} // closed and replaced when sent grows or on close
	closed    bool

	ctx    context.Context // ends when the fake closes, aborting a delivery
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newHooks(url string, hc *http.Client) *hooks {
	ctx, cancel := context.WithCancel(context.Background())
	h := &hooks{changed: make(chan struct{}), ctx: ctx, cancel: cancel}
	h.setURL(url, hc, false)
	return h
}

// setURL changes where webhooks go from now on; "" stops sending them.
// Webhooks already queued go to the new URL. hc nil means a client of the
// fake's own; own says hc is the fake's, to close with it.
func (h *hooks) setURL(url string, hc *http.Client, own bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ownClient {
		// A delivery may still use it: close its connections with the fake.
		h.retired = append(h.retired, h.client)
	}
	h.url, h.client, h.ownClient = url, hc, own
	if hc == nil {
		h.client = &http.Client{Transport: &http.Transport{
			TLSHandshakeTimeout: webhookTimeout,
			MaxIdleConnsPerHost: 2,
		}}
		h.ownClient = true
	}
}

// enabled reports whether a webhook URL is set.
func (h *hooks) enabled() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.url != "" && !h.closed
}

// enqueue queues a webhook, encrypting it with key first when encrypt is
// set, and starts the worker if it is not running.
func (h *hooks) enqueue(trigger argos.WebhookTrigger, id string, payload []byte, encrypt bool, key string) {
	ev := webhookEvent{trigger: trigger, submissionID: id, body: payload, payload: payload}
	if encrypt {
		ct, err := argos.EncryptPayload(key, payload)
		if err != nil {
			// EncryptPayload fails only on an empty key, which the fake
			// never has; refuse to send the payload in clear.
			return
		}
		ev.body, _ = json.Marshal(map[string]string{"data": ct})
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.queue = append(h.queue, ev)
	h.queued++
	if !h.running {
		h.running = true
		h.wg.Add(1)
		go h.work()
	}
}

// work delivers the queue in order until it is empty or the fake closes.
func (h *hooks) work() {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		if len(h.queue) == 0 || h.closed {
			h.running = false
			h.mu.Unlock()
			return
		}
		ev := h.queue[0]
		h.queue = h.queue[1:]
		url, client := h.url, h.client
		h.mu.Unlock()

		d := h.deliver(ev, url, client)

		h.mu.Lock()
		h.sent = append(h.sent, d)
		close(h.changed)
		h.changed = make(chan struct{})
		h.mu.Unlock()
	}
}

// deliver POSTs one webhook and says how it went.
func (h *hooks) deliver(ev webhookEvent, url string, client *http.Client) WebhookDelivery {
	d := WebhookDelivery{Trigger: ev.trigger, SubmissionID: ev.submissionID, Body: ev.body, Payload: ev.payload}
	ctx, cancel := context.WithTimeout(h.ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(ev.body))
	if err != nil {
		d.Err = fmt.Errorf("argostest: webhook: %w", err)
		d.Time = time.Now()
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "argostest-webhook")
	resp, err := client.Do(req)
	if err != nil {
		d.Err = fmt.Errorf("argostest: webhook delivery: %w", err)
		d.Time = time.Now()
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	d.StatusCode = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		d.Err = fmt.Errorf("argostest: webhook receiver answered %d", resp.StatusCode)
	}
	d.Time = time.Now()
	return d
}

// close stops delivery: a webhook in flight is aborted (and recorded with
// its error), queued ones are dropped, and close returns once the worker
// has stopped.
func (h *hooks) close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.queue = nil
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
	h.mu.Lock()
	h.client.CloseIdleConnections()
	for _, c := range h.retired {
		c.CloseIdleConnections()
	}
	h.mu.Unlock()
}

// Webhooks returns every webhook delivery so far, in the order they were
// sent, failures included. A webhook still queued or in flight is not
// listed yet: wait with WaitWebhooks or FlushWebhooks first.
func (fk *fake) Webhooks() []WebhookDelivery {
	fk.hooks.mu.Lock()
	defer fk.hooks.mu.Unlock()
	return slices.Clone(fk.hooks.sent)
}

// WaitWebhooks waits until at least n webhooks have been delivered (or
// failed), and returns ctx's error if it ends first, or ErrClosed once the
// fake is closed.
func (fk *fake) WaitWebhooks(ctx context.Context, n int) error {
	return fk.hooks.wait(ctx, func() bool { return len(fk.hooks.sent) >= n })
}

// FlushWebhooks waits until every webhook queued so far has been delivered
// (or failed). A call that returned has queued its webhooks already, so
// after the calls of a test FlushWebhooks makes Webhooks complete. It
// returns ctx's error if ctx ends first, or ErrClosed once the fake is
// closed.
func (fk *fake) FlushWebhooks(ctx context.Context) error {
	fk.hooks.mu.Lock()
	n := fk.hooks.queued
	fk.hooks.mu.Unlock()
	return fk.WaitWebhooks(ctx, n)
}

// wait waits until done (called with h.mu held) holds.
func (h *hooks) wait(ctx context.Context, done func() bool) error {
	for {
		h.mu.Lock()
		ok, closed, changed := done(), h.closed, h.changed
		h.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return ErrClosed
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("argostest: waiting for webhooks: %w", ctx.Err())
		}
	}
}
