"""Berkeley DB files in pure Python (hash and btree, as libdb 5.3 writes them)."""
