package argostest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// tokenRoutes are the private-mode token pool.
var tokenRoutes = []route{
	{http.MethodPost, "/submission/tokens", sealed((*Handler).addTokens)},
	{http.MethodDelete, "/submission/tokens", sealed((*Handler).deleteTokens)},
}

// Token pool limits. The pages disagree (API.md §9.9): the fake takes the
// smaller per-request limit (100, the older POST page and the DELETE page)
// and the newer pool size (100,000 per project).
const (
	maxTokensPerRequest = 100
	maxTokenPool        = 100_000
)

// tokenIDRE is the token ID rule: 8–64 bytes of [A-Za-z0-9._-], a letter
// or digit at both ends.
var tokenIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{6,62}[A-Za-z0-9]$`)

type tokenSummary struct {
	TotalSubmitted int  `json:"totalSubmitted"`
	CurrentCount   *int `json:"currentCount,omitempty"`
	Processed      *int `json:"processed,omitempty"`
	Deleted        *int `json:"deleted,omitempty"`
	NotFound       *int `json:"notFound,omitempty"`
	Failed         int  `json:"failed"`
}

type tokenResponse struct {
	Success bool         `json:"success"`
	Message string       `json:"message"`
	Summary tokenSummary `json:"summary"`
}

// tokenIDs reads {"tokenId": […]} from a text/plain or JSON body; ok is
// false (after the 400 was written) when the body is not that or holds
// too many IDs. The error shape is not documented beyond "error code,
// error message, optional details": the fake sends errorCode, message and
// details.
func tokenIDs(w http.ResponseWriter, b *body) ([]string, bool) {
	var in struct {
		TokenID []string `json:"tokenId"`
	}
	if json.Unmarshal(b.raw, &in) != nil || in.TokenID == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errorCode": "invalid_payload", "message": "Invalid payload.",
			"details": `the body must be {"tokenId": [...]}`})
		return nil, false
	}
	if len(in.TokenID) == 0 || len(in.TokenID) > maxTokensPerRequest {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errorCode": "invalid_token_count",
			"message": "Invalid token count.", "details": "1 to " + strconv.Itoa(maxTokensPerRequest) + " token IDs per request"})
		return nil, false
	}
	return in.TokenID, true
}

// addTokens serves POST /submission/tokens: valid IDs join the pool (an ID
// already there is overwritten, not refused); invalid ones, and those past
// the pool's size, are counted as failed.
func (h *Handler) addTokens(w http.ResponseWriter, _ *http.Request, b *body) {
	ids, ok := tokenIDs(w, b)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	processed, failed := 0, 0
	for _, id := range ids {
		if !tokenIDRE.MatchString(id) || (h.tokens[id] == nil && len(h.tokens) >= maxTokenPool) {
			failed++
			continue
		}
		h.tokens[id] = &poolToken{} // an ID already there is overwritten: fresh again
		delete(h.usedTokens, id)
		processed++
	}
	count := len(h.tokens)
	msg := "All tokens are now in the pool"
	if failed > 0 {
		msg = strconv.Itoa(failed) + " of " + strconv.Itoa(len(ids)) + " tokens failed"
	}
	writeJSON(w, http.StatusOK, tokenResponse{Success: failed == 0, Message: msg, Summary: tokenSummary{
		TotalSubmitted: len(ids), CurrentCount: &count, Processed: &processed, Failed: failed}})
}

// deleteTokens serves DELETE /submission/tokens.
func (h *Handler) deleteTokens(w http.ResponseWriter, _ *http.Request, b *body) {
	ids, ok := tokenIDs(w, b)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	deleted, notFound, failed := 0, 0, 0
	for _, id := range ids {
		switch {
		case !tokenIDRE.MatchString(id):
			failed++
		case h.tokens[id] != nil:
			delete(h.tokens, id)
			delete(h.usedTokens, id)
			deleted++
		default:
			notFound++
		}
	}
	writeJSON(w, http.StatusOK, tokenResponse{Success: failed == 0, Message: "Successfully deleted " + strconv.Itoa(deleted) + " tokens",
		Summary: tokenSummary{TotalSubmitted: len(ids), Deleted: &deleted, NotFound: &notFound, Failed: failed}})
}

// poolToken is the state of one token of the pool.
type poolToken struct {
	// firstUse is when a liveform first opened with the token; zero while
	// unused.
	firstUse time.Time
	// expired is "" while valid, else the expired_condition that ended it:
	// "time" (three minutes after the first use) or "count" (a submission
	// made with it was decided).
	expired string
}

// Tokens returns the token pool's IDs, sorted.
func (fk *fake) Tokens() []string {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	out := make([]string, 0, len(fk.tokens))
	for id := range fk.tokens {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
