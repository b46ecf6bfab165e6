package main

import (
	"github.com/tidings-app/tidings/mail/okr"
)

// okrService builds the key-result check-in service (prompts and filing).
func (d *deps) okrService() (*okr.Service, error) {
	s, err := okr.New(d.db, okr.Options{Composer: d.composer, Templates: d.templates, Addresses: d.addrs,
		PublicURL: d.cfg.BaseURL(), Logger: d.log, Now: d.now})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	return s, nil
}
