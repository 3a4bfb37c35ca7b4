"""Pure domain logic: no Flask, no database, plain values in and out."""
