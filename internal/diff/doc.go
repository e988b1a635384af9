// Package diff compares desired objects with live ones the way the API
// server itself would apply them: a server-side-apply dry run predicts the
// object after a sync, and the prediction is compared with the live object
// after Argo CD's normalizations (status, server-set metadata) and the
// application's ignoreDifferences.
//
// It also holds what a sync and an output need of the same rules:
// KeepIgnored gives ignored fields their live values for a sync with
// RespectIgnoreDifferences, and HideSecretData masks Secrets' values for
// every output that shows an object.
package diff
