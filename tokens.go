package argos

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/kycgo/argos/internal/endpoint"
)

// MaxTokensPerRequest is how many token IDs AddTokens and DeleteTokens send
// in one request: the smaller of the limits the vendor's pages give (the
// older POST page and the DELETE page say 100; the newest POST page 500).
const MaxTokensPerRequest = 100

// Token ID rules of the private-mode token pool: 8 to 64 bytes of ASCII
// letters, digits, '-', '_' and '.', starting and ending with a letter or a
// digit.
const (
	MinTokenIDLen = 8
	MaxTokenIDLen = 64
)

// TokensResult sums the summaries of every request AddTokens or DeleteTokens
// sent. Submitted, Processed, Failed (and for deletions Deleted and
// NotFound) add up; CurrentCount is the pool's size after the last request
// (Argos reports it for additions); Message is the last request's message
// and Raw its answer.
type TokensResult struct {
	Submitted    int
	Processed    int
	Deleted      int
	NotFound     int
	Failed       int
	CurrentCount int
	Message      string
	// AlreadyGone counts, for DeleteTokens, the IDs a repeated request found
	// missing from the pool after an earlier attempt of it, whose answer was
	// lost, may have deleted them: the SDK sent the DELETE again, and what
	// the repeat counts as not found is most likely that attempt's work.
	// NotFound counts only the IDs a request found missing on its first
	// attempt.
	AlreadyGone int

	answer // Raw
}

// TokensRequest lists the token IDs AddTokens or DeleteTokens sends (see
// NewTokenID for the rules); at least one is required.
//
// Logging or printing it shows how many IDs it holds, never the IDs (a
// pooled token opens a liveform link).
type TokensRequest struct {
	TokenIDs []string
}

// LogValue implements slog.LogValuer: how many token IDs, never the IDs.
func (r TokensRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("token_ids", len(r.TokenIDs)))
}

// Format prints how many token IDs the request holds, never the IDs.
func (r TokensRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.TokensRequest{TokenIDs:%d %s}", len(r.TokenIDs), redacted)
}

// NewTokenID returns a random token ID valid by the pool's rules: 32
// letters and digits from crypto/rand (about 190 bits).
func NewTokenID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const n = 32
	b := make([]byte, n)
	// Rejection sampling keeps every character equally likely.
	var buf [64]byte
	for i := 0; i < n; {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails (Go 1.24)
		for _, x := range buf {
			if x < 248 && i < n { // 248 = 4 × 62
				b[i] = alphabet[int(x)%len(alphabet)]
				i++
			}
		}
	}
	return string(b)
}

// AddTokens puts token IDs into the project's private-mode token pool (a
// liveform link with a pooled token cannot be shared). IDs already in the
// pool are overwritten, not refused, so adding the same IDs again is safe.
//
// It calls POST /submission/tokens, a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/post-token),
// once per MaxTokensPerRequest IDs, with the body {"tokenId": […]} sent as
// text/plain as the vendor recommends. Every ID is checked first (see
// NewTokenID): one bad ID is a *ValidationError and nothing is sent. A
// request is never repeated once it may have reached Argos: an error after
// that point matches ErrOutcomeUnknown.
//
// On an error the result is returned too: the sum of the requests Argos
// answered before the one that failed; the IDs of that request and of
// those after it were not confirmed (call AddTokens again with them).
func (c *Client) AddTokens(ctx context.Context, r *TokensRequest, opts ...Option) (*TokensResult, error) {
	c, err := c.begin(endpoint.AddTokens, opts)
	if err != nil {
		return nil, err
	}
	return c.tokens(ctx, endpoint.AddTokens, r)
}

// DeleteTokens removes token IDs from the project's token pool; IDs not in
// the pool are counted in NotFound.
//
// It calls DELETE /submission/tokens, a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-token),
// once per MaxTokensPerRequest IDs (the documented maximum), with the body
// {"tokenId": […]} sent as text/plain. Every ID is checked first: one bad
// ID is a *ValidationError and nothing is sent. Deleting is safe to repeat,
// so each request is retried on network errors and gateway failures like a
// GET; IDs a repeat finds missing after an attempt that may have deleted
// them are counted in AlreadyGone, not NotFound. On an error the result of the requests answered before it is
// returned too, as for AddTokens.
func (c *Client) DeleteTokens(ctx context.Context, r *TokensRequest, opts ...Option) (*TokensResult, error) {
	c, err := c.begin(endpoint.DeleteTokens, opts)
	if err != nil {
		return nil, err
	}
	return c.tokens(ctx, endpoint.DeleteTokens, r)
}

func (c *Client) tokens(ctx context.Context, ep *endpoint.Endpoint, r *TokensRequest) (*TokensResult, error) {
	if r == nil {
		return nil, &ValidationError{Field: "TokensRequest", Reason: "is nil"}
	}
	ids := r.TokenIDs
	if len(ids) == 0 {
		return nil, &ValidationError{Field: "TokenIDs", Reason: "is empty"}
	}
	for i, id := range ids {
		if err := checkTokenID(i, id); err != nil {
			return nil, err
		}
	}
	total := &TokensResult{}
	for start := 0; start < len(ids); start += MaxTokensPerRequest {
		chunk := ids[start:min(start+MaxTokensPerRequest, len(ids))]
		res, err := c.tokenRequest(ctx, ep, chunk)
		if err != nil {
			if len(ids) > MaxTokensPerRequest {
				err = fmt.Errorf("argos: %s: token IDs %d to %d of %d: %w", ep.Name, start, start+len(chunk)-1, len(ids), err)
			}
			return total, err
		}
		total.add(res)
	}
	return total, nil
}

func (t *TokensResult) add(r *TokensResult) {
	t.Submitted += r.Submitted
	t.Processed += r.Processed
	t.Deleted += r.Deleted
	t.NotFound += r.NotFound
	t.AlreadyGone += r.AlreadyGone
	t.Failed += r.Failed
	t.CurrentCount = r.CurrentCount
	t.Message = r.Message
	t.answer = r.answer
}

// tokenRequest sends one chunk.
func (c *Client) tokenRequest(ctx context.Context, ep *endpoint.Endpoint, ids []string) (*TokensResult, error) {
	op := ep.Name
	cl, err := newJSONCall(ep, "text/plain; charset=utf-8", struct {
		TokenID []string `json:"tokenId"`
	}{ids})
	if err != nil {
		return nil, err
	}
	if ep.Method == http.MethodDelete {
		cl.repeat = &repeat{}
	}
	// One request's answer: its summary is what TokensResult sums over
	// every request (the exported type is that sum, not one answer).
	var w struct {
		Message string `json:"message"`
		Summary *struct {
			TotalSubmitted, CurrentCount, Processed, Deleted, NotFound, Failed int
		} `json:"summary"`
		answer
	}
	if err := c.doJSON(ctx, cl, &w, false); err != nil {
		return nil, err
	}
	if w.Summary == nil {
		return nil, unexpected(op, "no summary field")
	}
	s := w.Summary
	res := &TokensResult{Submitted: s.TotalSubmitted, Processed: s.Processed, Deleted: s.Deleted,
		NotFound: s.NotFound, Failed: s.Failed, CurrentCount: s.CurrentCount, Message: w.Message, answer: w.answer}
	if cl.repeat != nil && cl.repeat.earlier {
		// An earlier attempt may have deleted what this one found missing.
		res.AlreadyGone, res.NotFound = res.NotFound, 0
	}
	return res, nil
}
