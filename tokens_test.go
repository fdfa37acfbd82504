package argos_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func tokenIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("token-%04d", i)
	}
	return ids
}

func TestAddTokensSendsTextPlainInChunksAndSumsTheSummaries(t *testing.T) {
	c, got := v3JSON(t, "v3/tokens_post.json")
	res, err := c.AddTokens(context.Background(), &argos.TokensRequest{TokenIDs: tokenIDs(250)})
	require.NoError(t, err)
	assert.EqualExportedValues(t, &argos.TokensResult{Submitted: 12, Processed: 12, CurrentCount: 3504, Message: "All tokens are now in the pool"}, res,
		"three answers of the sample (4 submitted, 4 processed) add up; currentCount is the last one's")
	reqs := got()
	require.Len(t, reqs, 3)
	var sent []string
	for i, r := range reqs {
		assert.Equal(t, http.MethodPost, r.method)
		assert.Equal(t, "/v3/submission/tokens", r.path)
		assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/plain"), "the vendor recommends text/plain")
		var body struct {
			TokenID []string `json:"tokenId"`
		}
		require.NoError(t, json.Unmarshal(r.body, &body))
		assert.Len(t, body.TokenID, []int{100, 100, 50}[i])
		sent = append(sent, body.TokenID...)
	}
	assert.Equal(t, tokenIDs(250), sent, "every ID once, in order")
}

func TestDeleteTokensDecodesTheSampleAndIsRetried(t *testing.T) {
	c, got := v3JSON(t, "v3/tokens_delete.json")
	res, err := c.DeleteTokens(context.Background(), &argos.TokensRequest{TokenIDs: tokenIDs(4)})
	require.NoError(t, err)
	assert.EqualExportedValues(t, &argos.TokensResult{Submitted: 3, Deleted: 3, Message: "Successfully deleted 3 tokens"}, res,
		"the sample's own numbers, inconsistent as published")
	require.Len(t, got(), 1)
	assert.Equal(t, http.MethodDelete, got()[0].method)
	assert.JSONEq(t, `{"tokenId":["token-0000","token-0001","token-0002","token-0003"]}`, string(got()[0].body))

	c, got = v3Server(t, http.StatusBadGateway, "application/json", []byte(`{"message":"Bad Gateway"}`))
	_, err = c.DeleteTokens(context.Background(), &argos.TokensRequest{TokenIDs: tokenIDs(2)})
	assert.ErrorIs(t, err, argos.ErrServer)
	assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown)
	assert.Len(t, got(), 1+fastRetries.MaxRetries, "deleting is safe to repeat")
}

func TestAddTokensIsNotRepeatedAndReportsWhatWasConfirmed(t *testing.T) {
	var n atomic.Int32
	body := fixture(t, "v3/tokens_post.json")
	c := newTLSClient(t, "/v3", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write(body)
	}))
	res, err := c.AddTokens(context.Background(), &argos.TokensRequest{TokenIDs: tokenIDs(250)})
	assert.ErrorIs(t, err, argos.ErrOutcomeUnknown, "a 502 to a POST: outcome unknown")
	assert.Contains(t, err.Error(), "token IDs 100 to 199 of 250")
	assert.EqualValues(t, 2, n.Load(), "the failed chunk is not sent again and the next is not sent")
	require.NotNil(t, res)
	assert.Equal(t, 4, res.Submitted, "the first chunk's confirmed summary")
}

func TestTokenIDsAreCheckedBeforeAnythingIsSent(t *testing.T) {
	for _, tc := range []struct{ name, id string }{
		{"a 7-byte ID", "abc1234"},
		{"a 65-byte ID", strings.Repeat("a", 65)},
		{"an ID with a space", "abcd 1234"},
		{"an ID with a slash", "abcd/1234"},
		{"an ID starting with a dash", "-abcd1234"},
		{"an ID ending with a dot", "abcd1234."},
		{"an ID ending with an underscore", "abcd1234_"},
		{"an ID with a non-ASCII letter", "abcdé1234"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			c, got := v3JSON(t, "v3/tokens_post.json")
			ids := append(tokenIDs(150), tc.id)
			_, err := c.AddTokens(context.Background(), &argos.TokensRequest{TokenIDs: ids})
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "token ID 150", ve.Field)
			assert.NotContains(t, err.Error(), tc.id, "the value is not echoed")
			assert.Empty(t, got(), "no chunk is sent when one ID is bad")
		})
	}
	for _, id := range []string{"abcd1234", strings.Repeat("a", 64), "a.b-c_d9", "0000-0000"} {
		t.Run(id+" is accepted", func(t *testing.T) {
			c, _ := v3JSON(t, "v3/tokens_post.json")
			_, err := c.AddTokens(context.Background(), &argos.TokensRequest{TokenIDs: []string{id}})
			assert.NoError(t, err)
		})
	}
	t.Run("an empty list is refused", func(t *testing.T) {
		c, _ := v3JSON(t, "v3/tokens_post.json")
		_, err := c.DeleteTokens(context.Background(), &argos.TokensRequest{})
		assert.ErrorIs(t, err, argos.ErrValidation)
	})
}

func TestNewTokenIDMakesValidDistinctIDs(t *testing.T) {
	c, _ := v3JSON(t, "v3/tokens_post.json")
	seen := map[string]bool{}
	for range 1000 {
		id := argos.NewTokenID()
		require.Len(t, id, 32)
		require.False(t, seen[id], "a repeated token ID")
		seen[id] = true
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	_, err := c.AddTokens(context.Background(), &argos.TokensRequest{TokenIDs: ids})
	assert.NoError(t, err, "every generated ID passes the SDK's own check")
}

func TestFakeTokenPoolCountsAndRejectsInvalidIDs(t *testing.T) {
	c, srv := fakeV3(t)
	ctx := context.Background()
	ids := tokenIDs(130)
	res, err := c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: ids})
	require.NoError(t, err)
	assert.EqualExportedValues(t, &argos.TokensResult{Submitted: 130, Processed: 130, CurrentCount: 130, Message: "All tokens are now in the pool"}, res)
	res, err = c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: ids[:10]})
	require.NoError(t, err)
	assert.Equal(t, 130, res.CurrentCount, "an ID already in the pool is overwritten, not added twice")

	res, err = c.DeleteTokens(ctx, &argos.TokensRequest{TokenIDs: append(ids[:5:5], "token-not-there")})
	require.NoError(t, err)
	assert.Equal(t, 5, res.Deleted)
	assert.Equal(t, 1, res.NotFound)
	assert.Len(t, srv.Tokens(), 125)

	t.Run("the fake counts an invalid ID as failed", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, srv.URL("v3")+"/submission/tokens",
			strings.NewReader(`{"tokenId":["valid-id-1","bad id","-dash1234"]}`))
		require.NoError(t, err)
		req.Header.Set("x-api-key", srv.APIKey)
		req.Header.Set("Content-Type", "text/plain")
		resp, err := srv.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out struct {
			Success bool
			Summary struct{ Processed, Failed int }
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		assert.False(t, out.Success)
		assert.Equal(t, 1, out.Summary.Processed)
		assert.Equal(t, 2, out.Summary.Failed)
	})
	t.Run("the fake refuses more than 100 IDs in one request", func(t *testing.T) {
		b, err := json.Marshal(map[string][]string{"tokenId": tokenIDs(101)})
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodDelete, srv.URL("v3")+"/submission/tokens", strings.NewReader(string(b)))
		require.NoError(t, err)
		req.Header.Set("x-api-key", srv.APIKey)
		resp, err := srv.HTTPClient().Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
}
