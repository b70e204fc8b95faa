-- Headless Neovim test of editors/nvim (Neovim 0.7+):
--
--   SCN_BIN=/path/to/scn nvim --headless -n -i NONE -u editors/nvim/test/init.lua \
--       editors/nvim/test/fixtures/unit_error.scn
--
-- Checks that the ftdetect sets filetype `scn`, the syntax file loads, the LSP module starts
-- `$SCN_BIN lsp` and attaches it, and that the server publishes a diagnostic with code
-- $SCN_EXPECT_CODE (default E0201) for the file, answers a hover over `tau` in the ODE, and
-- that after an injected edit (the ODE mended, the parameter's default given the wrong unit)
-- the diagnostics move to the parameter's line. Exits 0 on success, 1 on any failure.
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

      -- Hover over the first `tau` of the line with the ODE.
      local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      local ode = nil
      for i, l in ipairs(lines) do
        if l:find('dv/dt', 1, true) then
          ode = i - 1
        end
      end
      if ode == nil then
        error('no ODE line in ' .. name)
      end
      local col = lines[ode + 1]:find('tau', 1, true) - 1
      local params = { textDocument = vim.lsp.util.make_text_document_params(buf), position = { line = ode, character = col } }
      local hover = nil
      for _, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000) or {}) do
        if r.result and r.result.contents then
          hover = r.result.contents.value
        end
      end
      if hover == nil then
        error('no hover at ' .. (ode + 1) .. ':' .. (col + 1))
      end
      io.stdout:write('hover: ' .. (hover:gsub('\n', ' | ')) .. '\n')

      -- Inject an error: mend the ODE, break the parameter's default; the diagnostics must
      -- move to the parameter's line.
      local param = nil
      for i, l in ipairs(lines) do
        if l:find('param tau', 1, true) then
          param = i - 1
        end
      end
      vim.api.nvim_buf_set_lines(buf, ode, ode + 1, false, { (lines[ode + 1]:gsub('5 mV', '5 ms')) })
      vim.api.nvim_buf_set_lines(buf, param, param + 1, false, { (lines[param + 1]:gsub('10 ms', '10 mV')) })
      local moved = vim.wait(30000, function()
        local ds = vim.diagnostic.get(buf)
        return #ds == 1 and ds[1].lnum == param
      end, 50)
      if not moved then
        error('the diagnostics did not follow the injected error to line ' .. (param + 1))
      end
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
        io.stdout:write(string.format('injected: %s at %d:%d: %s\n', tostring(code), d.lnum + 1, d.col + 1, (d.message:gsub('\n', ' | '))))
      end
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
