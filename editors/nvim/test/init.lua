-- Headless Neovim test of editors/nvim (Neovim 0.7+):
--
--   SCN_BIN=/path/to/scn nvim --headless -n -i NONE -u editors/nvim/test/init.lua \
--       editors/nvim/test/fixtures/unit_error.scn
--
-- Checks that the ftdetect sets filetype `scn`, the syntax file loads, the LSP module starts
-- `$SCN_BIN lsp` and attaches it, and that the server publishes a diagnostic with code
-- $SCN_EXPECT_CODE (default E0201) for the file. Exits 0 on success, 1 on any failure.
local function fail(msg)
  io.stderr:write('FAIL nvim: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

local ok, err = pcall(function()
  local here = debug.getinfo(1, 'S').source:sub(2)
  local root = vim.fn.fnamemodify(here, ':p:h:h') -- editors/nvim
  vim.opt.runtimepath:prepend(root)
  vim.opt.swapfile = false
  vim.cmd('filetype plugin on')
  vim.cmd('syntax on')

  local bin = os.getenv('SCN_BIN')
  if bin == nil or bin == '' then
    error('SCN_BIN is not set (the path of the scn binary)')
  end
  if vim.fn.executable(bin) ~= 1 then
    error('SCN_BIN is not executable: ' .. bin)
  end
  require('scn.lsp').setup({ cmd = { bin, 'lsp' } })
end)
if not ok then
  fail(tostring(err))
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok2, err2 = pcall(function()
      local buf = vim.api.nvim_get_current_buf()
      local name = vim.api.nvim_buf_get_name(buf)
      if name == '' then
        error('no file given')
      end
      if vim.bo[buf].filetype ~= 'scn' then
        error('filetype of ' .. name .. ' is `' .. vim.bo[buf].filetype .. '`, expected scn')
      end
      if vim.b[buf].current_syntax ~= 'scn' then
        error('syntax/scn.vim was not loaded')
      end
      -- Syntax groups of a few probes (first occurrence of the text in the file).
      for _, probe in ipairs({
        { 'neuron Bad', 'scnDeclaration' },
        { '/// A leaky', 'scnDocComment' },
        { '10 ms', 'scnQuantityNumber' },
        { '10 \\zsms', 'scnQuantity' },
        { 'dv/dt', 'scnDerivative' },
        { 'v: \\zsvoltage', 'scnDimension' },
      }) do
        vim.fn.cursor(1, 1)
        local line = vim.fn.search('\\V' .. probe[1], 'cW')
        local group = line > 0 and vim.fn.synIDattr(vim.fn.synID(line, vim.fn.col('.'), 1), 'name') or ''
        if group ~= probe[2] then
          error('syntax group at `' .. probe[1] .. '` is `' .. group .. '`, expected ' .. probe[2])
        end
      end
      local want = os.getenv('SCN_EXPECT_CODE') or 'E0201'
      local function codes()
        local out = {}
        for _, d in ipairs(vim.diagnostic.get(buf)) do
          local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
          table.insert(out, tostring(code))
        end
        return out
      end
      local got = vim.wait(30000, function()
        return vim.tbl_contains(codes(), want)
      end, 50)
      local clients = vim.lsp.buf_get_clients(buf)
      if vim.tbl_isempty(clients) then
        error('no LSP client attached to ' .. name)
      end
      if not got then
        error('no diagnostic with code ' .. want .. ' within 30 s; got: [' .. table.concat(codes(), ', ') .. ']')
      end
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        io.stdout:write(string.format('%s:%d:%d: %s\n', vim.fn.fnamemodify(name, ':t'), d.lnum + 1, d.col + 1, d.message))
      end
      io.stdout:write('ok   nvim: filetype, syntax, LSP attached, diagnostic ' .. want .. '\n')
      for _, c in pairs(clients) do
        c.stop()
      end
    end)
    if ok2 then
      vim.cmd('qall!')
    else
      fail(tostring(err2))
    end
  end,
})
