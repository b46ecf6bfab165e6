// Package web is the archive: a server-rendered site where people read
// what their teams sent through Tidings (timelines, updates with their
// revisions, digests as sent, meeting notes, asks, OKRs) and search it.
//
// Sign-in is by email only. A person enters their address and gets a
// one-time link (random token, stored as its SHA-256, single use, valid
// 15 minutes, rate-limited per address and per client address in the
// store so that every instance counts together); the answer never says
// whether the address is known. Emails Tidings sends carry page links
// (PageLink) signed for their recipient: following one signs in that
// person only. Opening either kind of link shows a page with one button;
// the link is used by that POST, so mail scanners that fetch links do not
// use them up. Sessions are random tokens in a Secure (for https),
// HttpOnly, SameSite=Lax cookie, stored hashed in the store and revoked
// on sign-out. Every POST carries a CSRF token: the session's, or before
// sign-in a double-submit cookie.
//
// Who sees what is decided by store.DB.CanView alone; a refused object is
// answered 404 like a missing one, so URLs of other teams reveal nothing.
//
// web reads through store and never imports mail/... or digest: the
// sign-in email goes out through the Mailer it is given.
package web
