// Package argostest provides an in-process fake of the Argos KYC REST API for
// integration tests of code that uses package argos.
//
// A Server listens on 127.0.0.1 over TLS with a certificate only its own
// HTTPClient trusts, and a random API key. It keeps submissions in memory and
// answers the API guide's endpoints (GET /submission, GET
// /submission/applicant, POST /submission/step1 and /submission/step2, POST
// /address_code, DELETE /submission, GET /report/aml, GET /image) under both
// /v2 and /v3, with the documented response and error bodies.
//
// Tests decide what the fake's "verification" concludes instead of sending
// real faces:
//
//	client, srv := argostest.NewClient(t)
//	srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeApprove)
//
//	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{ /* … */ })
//	// first Step 2: {"retry":[{"retryCode":"face_compare_underscore",…}],"kycStatus":"incomplete","retryCount":1}
//	// second Step 2: {"verificationResult":"success",…,"kycStatus":"approved","retryCount":1}
//
// ScriptStep1 makes Step 1 fail the documented ways (an unreadable ID, the
// wrong document, an expired ID: the retry codes), sharing the three tries
// with Step 2.
//
// Liveform plays the hosted liveform for a link made by argos.LiveformURL or
// argos.LiveformURLEncrypted, as the applicant's browser would: it creates
// the submission through the same steps, sends the webhooks and answers the
// return URL (WithReturnURL) the browser lands on, or the error page's code:
//
//	srv := argostest.NewServer(argostest.WithReturnURL("https://app.example/kyc/done"))
//	link, _ := argos.LiveformURL(&argos.LiveformParams{ProjectID: "p", Email: "a@example.com", UserID: "u-1"})
//	res, err := srv.Liveform(ctx, link, argostest.Applicant{Outcome: argostest.OutcomeApprove})
//	ret, err := argos.ParseReturnURL(res.ReturnURL) // submissionId, kycStatus=approved, userid=u-1, …
//
// Advance moves the fake's clock and fires the documented timers (token
// expiry, the 24-hour abandonment timeout, the four-hour Step 1 submission
// ID, startValidUntil) without sleeping. AddSubmissions fills the project
// with submissions in varied states, for trying tools against it.
//
// Other hooks: SetKYCResult finishes a pending submission as a reviewer
// would, SetAMLHits gives an approved submission AML "Red Flag" hits whose
// reports GET /report/aml serves, InjectFault makes the next requests fail
// (error statuses, Retry-After, latency, dropped connections, truncated or
// stalled bodies), and Requests lists what the client sent, with the API key
// redacted.
//
// With WithWebhookURL the fake POSTs a webhook for each transition to a
// receiver, asynchronously and in order; FlushWebhooks waits for them and
// Webhooks lists the deliveries:
//
//	srv := argostest.NewServer(argostest.WithWebhookURL(receiver.URL, receiver.Client()))
//	// … Step 1, Step 2 …
//	err := srv.FlushWebhooks(ctx) // then srv.Webhooks(): created, approved, aml
//
// WithControlAPI exposes the hooks as HTTP endpoints below /_admin/ for tools
// in other languages (cmd/argos-fake serves them).
//
// SamplePNG and SampleJPEG return small valid images to upload.
//
// # What the fake models
//
// Validation and error messages of Step 1 and Step 2 (https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide/api-errors); the
// 2 MB image and 6 MB body limits (413); the shared retry count (failed
// Step 1 and Step 2 tries, rejected with "too_many_retry" at 3);
// duplicate-email refusal unless customOptions has "approvePeriod": false;
// deterministic OCR data and address codes; applicant IDs shared by approved
// submissions with the same name, birth date, gender and nationality;
// Step 1 failures with the documented retry codes (ScriptStep1), and no
// Step 1 retry once the ID was read; the four-hour validity of a Step 1
// submission ID and the 24-hour rejection of a submission abandoned during a
// retry, on the fake's clock (Advance); the project's blacklist, age limit,
// reject period and duplicate-user prevention (WithPolicy) with the
// customOptions switches that turn them off; the hosted liveform (Liveform):
// startValidUntil, private-mode tokens from the pool (token_expired),
// allowedCountries and the selected country and ID type, the policy
// switches, the return URL and its error codes;
// filters, request_type projections and nextpageKey pagination of GET
// /submission; deletion that keeps only ID, creation time, ID type and KYC
// result; gateway errors (403 Forbidden, the IP allow-list's explicit deny,
// 404 for unknown paths, 403 "Missing Authentication Token" for a method a
// path does not have).
//
// Webhooks (WithWebhookURL): created on Step 1 (with the retry code when
// the first try failed), retry on a failed Step 1 retry and on a Step 2 try
// that may be retried, submit when a try is held for
// review, approved or rejected when Step 2, SetKYCResult or a third failed
// try decides, aml after each approval and on SetAMLHits, delete on DELETE
// /submission with admin_name, updated on a PATCH /submission, approved or
// rejected on a client review, aml_monitor on each submission AML
// monitoring registers, rejected when the abandonment timer fires,
// token_expired when a private-mode token expires (count or time); in the
// shapes of the vendor's samples, with only the fields the submission has.
// A liveform submission's webhooks carry its tokenId.
//
// Choices where the documentation is silent: a failed DELETE without
// submission_id answers {"errorCode":"not Exist Submission ID"} and one for an
// unknown or already deleted submission {"message":"not Exist Submission
// Data","statusCode":400}, so both documented shapes occur; GET
// /submission/applicant with an unknown applicant_id answers []; errors of
// GET /image and GET /report/aml are 400 {"message":…}; a failed Step 1
// try answers 200 {"submissionId","retry":[{"retryCode","retryMsg"}],
// "kycStatus":"incomplete","retryCount"} (the shape of Step 2's), and the
// third {"submissionId","kycStatus":"rejected","retryCount":3}; a Step 2
// after a failed Step 1 is accepted; list items carry the short field set
// of the list samples, and a request_type projection the full one. The
// timeout rejection has kyc.comment "KYC rejected due to timeout" and no
// commentCode. In the liveform: an email already approved, or rejected
// within the reject period, rejects the submission with "duplicate_user"
// (Step 1 refuses the first with 400); a token not in the pool lands on
// TK-10000 and a used-up token (count) on TK-10001; token_expired (count)
// follows the decision's webhooks; a submission records the address
// 203.0.113.10. Webhooks go out one at a time
// in the order of the transitions, each with a 10-second timeout; a failed
// delivery is recorded and not resent (the vendor documents no retry
// policy); a rejected webhook's kyc_result carries comment and commentCode
// as arrays, like GET /submission; the submit webhook has the shape of
// approved; ipAddress is masked as in GET /submission.
//
// # The v3 management endpoints
//
// Under /v3 only (under /v2 they answer 403 "Missing Authentication Token",
// as the gateway does for a route it does not have): PATCH /submission
// changes the stored data and, with kycStatus, decides the submission; PUT
// /submission/image decodes Base64 images and replaces what GET /image
// serves; DELETE /submission/partial erases exactly the parts and data
// fields named (given as repeats or comma lists); POST
// /submission/migration creates a submission GET /submission returns (idType
// "drvlic" or the long names); POST /submission/review decides a pending
// submission (WithArgosReviewer makes the project refuse client reviews);
// the token pool takes 100 IDs per request, counts invalid IDs as failed and
// holds 100,000 (Tokens lists it); AML monitoring registers approved
// submissions with a name and birth date and serves their records;
// FaceAuth, with the Add-on key (Server.AddOnKey, WithAddOnKey), compares
// against the submission's selfie with outcomes from ScriptFaceAuth and
// serves the try's image as Base64 text. The admin field must name one of
// the project's admins: DefaultAdmin, or those given WithAdmins. Every
// documented error message of these pages is reachable; where the pages
// show none (partial delete, tokens, AML records, FaceAuth's own failures)
// the fake answers {"errorCode", "message"} (FaceAuth with a traceId).
//
// # What it does not model
//
// Real OCR, face comparison or liveness (outcomes are scripted); the
// liveform's injection page (action=addveri), device checks (DE-…), loop
// blocks (LO-…), the dashboard's encryption-only mode, private mode that
// refuses a link without a token, token expiry settings other than the
// documented three minutes, the liveform secretKey and GCM module, the
// allowedIdTypes and allowedDocumentFields formats (not documented), and
// the webhooks only the dashboard causes (injection); resending a webhook the receiver failed; the HTTPS-only
// rule for webhook URLs (the fake also posts to http URLs); rate limits
// (inject a 429 Fault instead); differences between v2 and v3, which the
// docs do not show.
//
// The fake logs nothing unless given WithLogger, and then only method, path,
// status and duration.
package argostest
