-- SCN language server for Neovim 0.7+ (`vim.lsp.start_client` + `vim.lsp.buf_attach_client`;
-- `vim.lsp.start` only exists from 0.8).
--
--   require('scn.lsp').setup({ cmd = { 'scn', 'lsp' } })
--
-- Options: `cmd` (default: { $SCN_BIN or 'scn', 'lsp' }), `root_markers` (files that mark the
-- project root, default { '.git' }; else the file's directory), `on_attach(client, bufnr)`,
-- `capabilities`. One client per root directory is started on the first `scn` buffer there.
local M = {}

local clients = {} -- root directory -> client id

-- The nearest ancestor directory of `path` that holds one of `markers`, else its directory.
local function find_root(path, markers)
  local start = vim.fn.fnamemodify(path, ':p:h')
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

--- Starts (or reuses) the client for `bufnr` and attaches it.
function M.attach(bufnr, opts)
  opts = opts or M.opts or {}
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = find_root(name ~= '' and name or vim.fn.getcwd() .. '/x', opts.root_markers or { '.git' })
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client({
      name = 'scn',
      cmd = opts.cmd or { os.getenv('SCN_BIN') or 'scn', 'lsp' },
      root_dir = root,
      capabilities = opts.capabilities or vim.lsp.protocol.make_client_capabilities(),
      on_attach = opts.on_attach,
    })
    if id == nil then
      vim.notify('scn: could not start the language server', vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Attaches the server to every `scn` buffer (FileType autocommand).
function M.setup(opts)
  M.opts = opts or {}
  local group = vim.api.nvim_create_augroup('scn_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'scn',
    callback = function(args)
      M.attach(args.buf, M.opts)
    end,
  })
end

return M
