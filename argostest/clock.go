package argostest

import (
	"cmp"
	"slices"
	"time"

	"github.com/kycgo/argos"
)

// The documented timers the fake runs.
const (
	// tokenLifetime is how long a private-mode token stays valid after its
	// first use (https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/querystring-and-token-guide:
	// "More than 3 minutes have elapsed since the first use").
	tokenLifetime = 3 * time.Minute
	// submissionIDLifetime is how long a Step 1 submission ID stays valid for
	// the steps that follow it, until the first Step 2 try
	// (https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1:
	// "valid for 4 hours").
	submissionIDLifetime = 4 * time.Hour
	// abandonTimeout is when a submission left incomplete during a retry is
	// rejected, counted from its Step 1
	// (https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-2:
	// the KYC must finish within 24 h of the Step 1 start; and
	// https://argos-kyc.gitbook.io/argos-kyc-service-guide/faq/kyc-general:
	// "KYC rejected due to timeout").
	abandonTimeout = 24 * time.Hour
)

// commentTimeout is the kyc.comment of a submission the abandonment timer
// rejected, in the words of the vendor's FAQ. No reject code is documented
// for it, so kyc.commentCode stays empty.
const commentTimeout = "KYC rejected due to timeout"

// Advance moves the fake's clock forward by d — time.Now, or the clock
// given WithClock, plus everything advanced so far — and fires the timers
// the vendor documents that fall due, in the order of their deadlines:
//
//   - a private-mode token expires three minutes after its first use in
//     Liveform, with a token_expired webhook (expired_condition "time");
//   - a submission left incomplete after a failed try (the applicant
//     abandoned a retry) is rejected 24 hours after its Step 1, with
//     kyc.comment "KYC rejected due to timeout" and a rejected webhook;
//   - a Step 1 submission ID is valid for four hours until its first Step 2
//     try: later, Step 2 and Step 1 retries with it answer 400 "invalid
//     submission id";
//   - a liveform link's startValidUntil passes: Liveform then lands on
//     PV-40018.
//
// Nothing sleeps: a test moves time as far as it needs and the state is as
// if that time had passed. The timers also fire when time passes without
// Advance (the clock is read on each request while one is pending). d <= 0
// does nothing: the clock never goes back.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/querystring-and-token-guide
// and https://developers.argosidentity.com/en/idcheck/webhooks/idcheck-token
func (fk *fake) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.offset += d
	fk.settle(fk.now())
}

// settlePending fires the timers due by now, reading the clock only when
// one is pending, so that a WithClock that steps on each read steps no
// more often than before timers existed.
func (fk *fake) settlePending() {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	if len(fk.timed) == 0 && len(fk.usedTokens) == 0 {
		return
	}
	fk.settle(fk.now())
}

// timerEvent is one timer that fell due.
type timerEvent struct {
	at    time.Time
	token string      // a token's time expiry, or
	sub   *submission // an abandoned submission's timeout
}

// settle fires, in deadline order, every timer due at or before now.
// Caller holds fk.mu.
func (fk *fake) settle(now time.Time) {
	var due []timerEvent
	for id, tk := range fk.usedTokens {
		if at := tk.firstUse.Add(tokenLifetime); !now.Before(at) {
			due = append(due, timerEvent{at: at, token: id})
		}
	}
	for id, s := range fk.timed {
		if !s.abandonable() {
			delete(fk.timed, id)
			continue
		}
		if at := s.created.Add(abandonTimeout); !now.Before(at) {
			due = append(due, timerEvent{at: at, sub: s})
		}
	}
	slices.SortFunc(due, func(a, b timerEvent) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.token+subID(a.sub), b.token+subID(b.sub))
	})
	for _, ev := range due {
		if ev.sub != nil {
			delete(fk.timed, ev.sub.id)
			ev.sub.result = resultRejected
			ev.sub.comment, ev.sub.commentCode = []string{commentTimeout}, nil
			ev.sub.resultAt, ev.sub.updated = ev.at, ev.at
			fk.notifyDecision(ev.sub, ev.at)
			continue
		}
		fk.expireToken(ev.token, "time", ev.at)
	}
}

func subID(s *submission) string {
	if s == nil {
		return ""
	}
	return s.id
}

// abandonable reports whether s waits for a retry the applicant may never
// send: it is incomplete after at least one failed try.
func (s *submission) abandonable() bool {
	return !s.deleted && s.result == resultIncomplete && s.retryCount > 0
}

// watch starts the abandonment timer of s if it now waits for a retry.
// Caller holds fk.mu.
func (fk *fake) watch(s *submission) {
	if s.abandonable() {
		fk.timed[s.id] = s
	}
}

// submissionIDExpired reports whether s's ID is past its four hours for
// the steps after Step 1: no Step 2 try yet, and Step 1 longer ago.
func (s *submission) submissionIDExpired(now time.Time) bool {
	return len(s.attempts) == 0 && now.Sub(s.created) > submissionIDLifetime
}

// expireToken marks a pool token expired for condition ("time" or "count")
// at, and sends token_expired in the shape of the vendor's samples. Caller
// holds fk.mu.
func (fk *fake) expireToken(id, condition string, at time.Time) {
	tk := fk.tokens[id]
	if tk == nil || tk.expired != "" {
		return
	}
	tk.expired = condition
	delete(fk.usedTokens, id)
	extra := map[string]any{"tokenId": id, "expired_condition": condition, "service": "idCheck"}
	if condition == "time" {
		extra["expected_expired_at"] = fmtTime(at)
	} else {
		extra["expired_at"] = fmtTime(at)
	}
	fk.notifyAt(argos.WebhookTokenExpired, nil, webhookDetail{Extra: extra}, at)
}
