package argostest

import (
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// fake is the fake API's state: the submissions, the Step 2 script, the
// queued faults, the requests served and the webhooks. Its exported methods
// are the hooks tests drive the fake with (ScriptStep2, SetKYCResult,
// SetAMLHits, Submission, InjectFault, ClearFaults, Requests, ResetRequests,
// Webhooks, WaitWebhooks, FlushWebhooks). Handler and
// Server both embed it, so srv.ScriptStep2 is the handler's own method rather
// than a copy that forwards to it.
type fake struct {
	cfg  config
	done chan struct{}

	closeOnce sync.Once

	mu          sync.Mutex
	subs        map[string]*submission
	resources   map[string]string       // AML resourceId → submission ID
	tokens      map[string]*poolToken   // the private-mode token pool
	amlRecords  map[string]*amlRecord   // AML monitoring: worklistId + "/" + recordId → record
	faceAuths   map[string]*faceAuthTry // authentication_id → try
	faceScript  []FaceAuthOutcome
	applicants  map[string]string // duplicated_information → applicant_id
	step1Script []Step1Outcome
	step2Script []Outcome
	faults      []*Fault

	// offset is how far Advance has moved the clock.
	offset time.Duration
	// timed are the submissions whose abandonment timer runs (see
	// Advance), by ID.
	timed map[string]*submission
	// usedTokens are the pool's tokens whose time expiry runs: used, not
	// expired yet.
	usedTokens map[string]*poolToken

	// hooks queues and delivers webhooks; its own lock is taken inside mu.
	hooks *hooks

	// reqMu guards the request records alone: endpoints write their answers
	// while holding mu, and recording a status must not wait for it.
	reqMu    sync.Mutex
	requests []*Request
}

// newFake returns the state of a fake with no submissions.
func newFake(opts []ServerOption) *fake {
	fk := &fake{
		done:       make(chan struct{}),
		subs:       map[string]*submission{},
		resources:  map[string]string{},
		tokens:     map[string]*poolToken{},
		timed:      map[string]*submission{},
		usedTokens: map[string]*poolToken{},
		amlRecords: map[string]*amlRecord{},
		faceAuths:  map[string]*faceAuthTry{},
		applicants: map[string]string{},
	}
	for _, o := range opts {
		o(&fk.cfg)
	}
	if fk.cfg.apiKey == "" {
		fk.cfg.apiKey = randomKey()
	}
	if fk.cfg.addOnKey == "" {
		fk.cfg.addOnKey = "addon_" + strings.TrimPrefix(randomKey(), "test_")
	}
	fk.cfg.admins = append([]string{DefaultAdmin}, fk.cfg.admins...)
	if fk.cfg.clock == nil {
		fk.cfg.clock = time.Now
	}
	if fk.cfg.ids == nil {
		fk.cfg.ids = newID
	}
	fk.hooks = newHooks(fk.cfg.webhookURL, fk.cfg.webhookClient)
	return fk
}

// now returns the server's time — the clock plus what Advance added —
// truncated to the millisecond the API's timestamps carry. Caller holds
// fk.mu.
func (fk *fake) now() time.Time {
	return fk.cfg.clock().Add(fk.offset).UTC().Truncate(time.Millisecond)
}

// Requests returns a copy of the requests served so far, oldest first.
func (fk *fake) Requests() []Request {
	fk.reqMu.Lock()
	defer fk.reqMu.Unlock()
	out := make([]Request, len(fk.requests))
	for i, r := range fk.requests {
		out[i] = r.clone()
	}
	return out
}

// ResetRequests forgets the requests recorded so far.
func (fk *fake) ResetRequests() {
	fk.reqMu.Lock()
	defer fk.reqMu.Unlock()
	fk.requests = nil
}

// Submission returns the submission with that ID as GET
// /submission?submission_id= would show it, and whether it exists.
func (fk *fake) Submission(id string) (json.RawMessage, bool) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	s, ok := fk.subs[id]
	if !ok {
		return nil, false
	}
	b, err := json.Marshal(s.render(true))
	if err != nil {
		return nil, false
	}
	return b, true
}
