// Decoder module
