-- Files ending in .scn are SCN sources.
vim.cmd([[autocmd BufRead,BufNewFile *.scn setfiletype scn]])
