-- A contact's phone and email compare byte by byte (collation "C") on PostgreSQL, whatever the database's default
-- collation. They are only ever compared for equality or by LIKE, never sorted for a reader, so nothing a user sees
-- changes; but an import's work is mostly inserting random keys into their two unique indexes, and under a
-- linguistic collation every comparison of that descent goes through strcoll. Measured in psql, 300,000 inserts into
-- both indexes: 3.3 CPU-s with "C", 3.5 with the server's C.UTF-8, 4.6 with ICU's English (docs/performance.md).
-- H2 always compares strings by code point; ${contactAddressesByteOrder} is a no-op comment there.
${contactAddressesByteOrder};
