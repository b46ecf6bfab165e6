package main

// AsksConfig configures asks and FYIs (server.asks).
type AsksConfig struct {
	// MaxAttachBytes caps the attachments of an ask forwarded with each
	// member's copy; larger files are named, not attached. 0: 5 MiB;
	// negative: never attach.
	MaxAttachBytes int64 `yaml:"max_attach_bytes"`
}
