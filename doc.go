// Package argos is a client for the Argos KYC REST API: identity
// verification in two steps, an ID image (Step 1) and then a selfie with the
// applicant's confirmed data (Step 2), after which the backend reads results,
// images and AML reports.
//
//	client, err := argos.NewClient(os.Getenv("ARGOS_API_KEY"))
//	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
//		IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDDriversLicense,
//		IDImage: &argos.File{Name: "id.jpg", Body: idFile}, UserID: "user-42",
//	})
//	// The applicant confirms or corrects the OCR data prefilled here.
//	s2, err := client.SubmitStep2(ctx, s1.Step2Request(&argos.File{Body: selfie}))
//	if s2.CanRetry() { /* ask for another selfie: s2.Retry says why */ }
//	sub, err := client.WaitForDecision(ctx, s1.SubmissionID) // approved or rejected
//
// # Behaviour shared by every call
//
// The API key travels only in the x-api-key header, only over HTTPS and only
// to the base URL's host: a redirect to another host drops it, a redirect to
// plain HTTP is refused. Every call takes a context first; it cancels the
// request, retry waits and download reads.
//
// A call makes at most 1 + RetryPolicy.MaxRetries attempts in all, whatever
// mix of failures it meets, and follows at most 10 redirects. GET and DELETE calls are retried on connection
// errors, bodies cut short and on 429, 500, 502, 503 and 504, with capped exponential backoff and jitter, honouring
// Retry-After up to RetryPolicy.MaxWait. Every other call (SubmitStep1,
// SubmitStep2, AddressCode and the v3 POST, PATCH and PUT calls) creates or
// changes state and the API has no idempotency key, so it is retried only
// when no connection was ever made; once a request may have been sent, a
// failure (no answer, an answer cut short, any 5xx) is an error matching
// ErrOutcomeUnknown (and *OutcomeUnknownError) and the request is not
// repeated, by the SDK or by net/http on a new HTTP/2 stream.
// Client.ResolveOutcome reads the API until it can tell whether it landed:
// Argos may still process it for a while after the answer was lost.
//
// The v3 management calls (UpdateSubmission, UpdateImages,
// DeleteSubmissionFields, MigrateSubmission, ReviewSubmission, AddTokens,
// DeleteTokens, MonitorAML, GetAMLMonitorRecord, FaceAuth, DownloadFaceAuthImage) are
// documented only under /v3: on a base URL ending in /v2 they refuse before
// sending and say to use WithBaseURL(BaseURLV3). Their POST, PATCH and PUT
// requests follow the rule above (never repeated once they may have been
// sent); DeleteSubmissionFields, DeleteTokens and the GETs are retried.
// FaceAuth and DownloadFaceAuthImage send the Add-on key (WithAddOnKey) instead of
// the project's key; no other call does.
//
// Every non-2xx answer is an *APIError that errors.Is matches against
// ErrBadRequest, ErrForbidden (ErrInvalidAPIKey, ErrIPNotAllowed),
// ErrPayloadTooLarge, ErrRateLimited, ErrServer and ErrNotFound, and for the
// v3 management calls ErrNotPending and ErrInvalidAdmin. Input is
// checked before sending (*ValidationError, ErrValidation). No error string
// contains the API key, query values or applicant data, and every type
// holding them logs and prints redacted. The client
// logs through log/slog (WithLogger) method, path, status, attempt and
// duration only.
//
// Decoding is lenient, because Argos' documentation disagrees with itself:
// numbers sent as strings, nulls, odd timestamps and unknown fields never
// fail a response, and an absent score (nil) stays distinct from 0. A page
// of more than MaxPageSize items is refused before it is decoded.
//
// A Client is safe for concurrent use and meant to be shared: its default
// transport (NewTransport) keeps up to 64 connections per
// host alive between calls and speaks HTTP/2 where offered. Uploads stream
// (memory does not grow with the image, and a seekable File body is re-read
// rather than buffered when a request is replayed) and downloads hand back
// the open body (Download.WriteTo, Download.SaveFile).
//
// Beyond the API calls: webhooks (ParseWebhook, NewWebhookHandler),
// waiting for a reviewer's decision (WaitForDecision), Secure Data
// Transmission (EncryptPayload, DecryptPayload) and the hosted liveform
// (LiveformURL, ParseReturnURL). For tests, package argostest runs a fake
// Argos server in-process; see examples/quickstart.
package argos
