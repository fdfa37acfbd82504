package argos

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// decide is the retry rule: whether the loop sends the call again after the
// answer a. Never past the budget or the call's context; GET and DELETE on
// network errors, bodies cut short and 429/500/502/503/504; other methods
// only when no byte can have reached a server. go-retryablehttp's policy
// classifies first (context ends, redirect loops, bad certificates, 501 are
// final); the rules below narrow it to what is safe for this call.
func (ex *exchange) decide(ctx context.Context, a *reply) bool {
	if ctx.Err() != nil || ex.budgetUsed() >= ex.budget {
		// The call's time is up (whatever came back, it ends here with the
		// context's error) or its requests are spent.
		return false
	}
	if retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, a.resp, a.err); !retry {
		return false
	}
	switch {
	case a.readErr:
		return ex.idempotent && retryableTransportError(a.err)
	case a.err != nil:
		return retryableTransportError(a.err) && (ex.idempotent || !ex.mayHaveBeenSent())
	}
	return ex.idempotent && retryableStatus(a.resp.StatusCode) && !isQuotaAnswer(a.resp.StatusCode, a.body)
}

// retryableStatus reports the answers worth another try for a call that is
// safe to repeat: 429 and the 5xx a gateway or an overloaded server gives.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableTransportError reports a network failure worth another attempt.
func retryableTransportError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrInsecureRedirect) {
		return false
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &recordHeader) {
		return false
	}
	// A TLS alert (no common protocol version or cipher, a handshake
	// failure) comes back the same on every attempt.
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "remote error" || opErr.Op == "local error") {
		return false
	}
	// Only network failures are worth another attempt: a redirect loop, a
	// transport that refuses the request (a replayer without a fixture, a
	// proxy misconfiguration) or any other error fails the same way again.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // *url.Error is itself a net.Error: look inside it
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}

// backoff waits MinWait·2^n with jitter, capped at MaxWait; a Retry-After
// header (seconds or HTTP date) replaces it, also capped at MaxWait.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(ra, maxWait)
		}
	}
	wait := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
	// Equal jitter: somewhere in [wait/2, wait].
	half := wait / 2
	if half <= 0 {
		return wait
	}
	return half + rand.N(half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), 24*time.Hour), true
	}
	return 0, false
}
